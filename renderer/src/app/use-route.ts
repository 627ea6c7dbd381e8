/** The page shown, kept in the URL's hash (#/meters), so that reload, back and bookmarks work without a server route. */
import { useEffect, useState } from 'react';

export const PAGES = ['meters', 'meterSettings', 'devices', 'broker', 'topics', 'diagnostics'] as const;
export type Page = (typeof PAGES)[number];

function fromHash(): Page | undefined {
  const name = location.hash.replace(/^#\/?/, '');
  return PAGES.find((p) => p === name);
}

/** The page named in the hash, or undefined when none is (the app then picks its start page). */
export function useRoute(): Page | undefined {
  const [page, setPage] = useState(fromHash);
  useEffect(() => {
    const onChange = () => setPage(fromHash());
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return page;
}
