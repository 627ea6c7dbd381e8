import type { ReactNode } from 'react';

/**
 * A wide table in a region that scrolls sideways on a narrow screen; focusable, so that keyboard users can scroll it
 * too, and named by the heading it sits under.
 */
export function ScrollTable({
  labelledBy,
  headers,
  numeric = [],
  children,
}: {
  labelledBy: string;
  headers: string[];
  /** Indexes of the columns holding numbers: their headers align right, like the numbers. */
  numeric?: number[];
  children: ReactNode;
}) {
  return (
    <div className="scroll" tabIndex={0} role="region" aria-labelledby={labelledBy}>
      <table>
        <thead>
          <tr>
            {headers.map((h, i) => (
              <th scope="col" key={h} className={numeric.includes(i) ? 'num' : undefined}>
                {h}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </div>
  );
}
