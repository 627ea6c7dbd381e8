/** A meter key as grid operators hand it out (groups, colons, spaces), reduced to 32 hex digits; null when it is not one. */
export function normaliseKey(text: string): string | null {
  const hex = text.replace(/[\s:-]/g, '').toUpperCase();
  return /^[0-9A-F]{32}$/.test(hex) ? hex : null;
}
