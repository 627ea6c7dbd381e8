/**
 * The window's size, place and maximized state from the last run. A place on a screen that is no longer attached
 * (a laptop away from its monitor) is dropped, so that the window never opens where nobody can see it.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Rectangle } from 'electron';
import { z } from 'zod';

export const MIN_SIZE = { width: 720, height: 520 };
const DEFAULT_SIZE = { width: 1200, height: 800 };

const stateSchema = z.object({
  x: z.number().int().optional(),
  y: z.number().int().optional(),
  width: z.number().int().min(MIN_SIZE.width).max(16384),
  height: z.number().int().min(MIN_SIZE.height).max(16384),
  maximized: z.boolean(),
});
export type WindowState = z.infer<typeof stateSchema>;

function overlaps(a: Rectangle, b: Rectangle): boolean {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}

/** The state saved in `file`, fitted to the screens' work areas now; the default size for anything unusable. */
export function loadWindowState(file: string, workAreas: readonly Rectangle[]): WindowState {
  let saved: unknown;
  try {
    saved = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    saved = undefined;
  }
  const parsed = stateSchema.safeParse(saved);
  if (!parsed.success) return { ...DEFAULT_SIZE, maximized: false };
  const { x, y, ...rest } = parsed.data;
  if (x === undefined || y === undefined) return rest;
  const visible = workAreas.some((area) => overlaps({ x, y, width: rest.width, height: rest.height }, area));
  return visible ? { x, y, ...rest } : rest;
}

/** Best effort: a read-only profile folder costs the remembered size, never the app. */
export function saveWindowState(file: string, state: WindowState): void {
  try {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, `${JSON.stringify(state)}\n`);
  } catch {
    // Nothing to do: the next start opens with the default size.
  }
}
