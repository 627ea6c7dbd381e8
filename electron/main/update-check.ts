/**
 * Whether a newer release exists, asked only when the user agreed (desktop setting `updateCheck: on`): one request to
 * the GitHub releases that electron-builder's publish config names (it writes them to resources/app-update.yml). It
 * only tells: the tray then offers the release page; downloading and installing stay with the user.
 */
import { parse } from 'yaml';
import { z } from 'zod';

const feedSchema = z.object({ provider: z.literal('github'), owner: z.string().min(1), repo: z.string().min(1) });
export type ReleaseFeed = z.infer<typeof feedSchema>;

const releaseSchema = z.object({ tag_name: z.string(), html_url: z.url({ protocol: /^https$/ }) });

export interface Release {
  version: string;
  url: string;
}

/** The GitHub repository in electron-builder's app-update.yml; undefined for another provider or a damaged file. */
export function releaseFeed(appUpdateYml: string): ReleaseFeed | undefined {
  try {
    const parsed = feedSchema.safeParse(parse(appUpdateYml));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

const numbers = (version: string) =>
  version
    .replace(/^v/, '')
    .split(/[-+]/)[0]!
    .split('.')
    .map((n) => Number.parseInt(n, 10) || 0);

/** `latest` is a later release than `current` (major.minor.patch; pre-release tags are not offered). */
export function isNewer(latest: string, current: string): boolean {
  if (/-/.test(latest.replace(/^v/, ''))) return false;
  const [a, b] = [numbers(latest), numbers(current)];
  for (let i = 0; i < 3; i++) {
    if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) > (b[i] ?? 0);
  }
  return false;
}

/** The newest release when it is newer than `current`; undefined when not, or when the question failed. */
export async function newerRelease(
  feed: ReleaseFeed,
  current: string,
  apiBase = 'https://api.github.com',
): Promise<Release | undefined> {
  const response = await fetch(`${apiBase}/repos/${feed.owner}/${feed.repo}/releases/latest`, {
    headers: { Accept: 'application/vnd.github+json' },
    signal: AbortSignal.timeout(15_000),
  });
  if (!response.ok) throw new Error(`the release feed answered ${response.status}`);
  const release = releaseSchema.parse(await response.json());
  return isNewer(release.tag_name, current)
    ? { version: release.tag_name.replace(/^v/, ''), url: release.html_url }
    : undefined;
}
