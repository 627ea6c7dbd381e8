// Renders the app and tray icons from their SVG sources (build/icon.svg, build/tray/tray.svg) into the PNGs that
// electron-builder (which makes .ico and .icns from build/icon.png) and the tray use. Run after changing an SVG:
// `node scripts/make-icons.mjs`; needs Chromium (CHROMIUM=/path/to/chromium, default /usr/bin/chromium).
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { ROOT } from '../bin/build-state.js';

const renders = [
  { svg: 'build/icon.svg', png: 'build/icon.png', size: 1024 },
  { svg: 'build/tray/tray.svg', png: 'build/tray/tray.png', size: 32 },
  { svg: 'build/tray/tray.svg', png: 'build/tray/tray@2x.png', size: 64 },
];

const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium' });
try {
  for (const { svg, png, size } of renders) {
    const page = await browser.newPage({ viewport: { width: size, height: size } });
    const source = await readFile(join(ROOT, svg), 'utf8');
    await page.setContent(
      `<style>html,body{margin:0;background:transparent}svg{display:block;width:${size}px;height:${size}px}</style>${source}`,
    );
    await page.screenshot({ path: join(ROOT, png), omitBackground: true });
    await page.close();
    console.log(`${png} (${size}×${size})`);
  }
} finally {
  await browser.close();
}
