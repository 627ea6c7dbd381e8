/**
 * The desktop window's Content-Security-Policy, sent with every file of the UI. Scripts, styles, images and fonts only
 * from the packaged files; no connections anywhere (the UI talks to the core over IPC, not the network); no plugins,
 * frames, forms or <base> tricks. Inline style attributes stay allowed because the charts position their tooltips and
 * labels that way; inline scripts and eval do not.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'none'",
  "object-src 'none'",
  "frame-src 'none'",
  "worker-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
};
