/**
 * `npm run bench`, UI live view: what the browser UI costs while a meter sends at its own rate (the simulated DSMR 5,
 * one telegram a second) through the real `serve`. Each page runs in a Chromium of its own, side by side over the
 * same window, so that Chromium's own accounting (CDP SystemInfo.getProcessInfo: CPU time per process) tells them
 * apart: the page's renderer process (its JavaScript, style, layout and paint) and the whole browser (GPU and
 * browser processes too), as a share of one core. A blank page beside them is Chromium's own floor.
 */
import type { Browser } from 'playwright-core';
import { launchChromium, openPage, startBridge, startSimulatedMeter } from '../e2e/ui-kit.ts';
import { quick, row } from './bench-kit.ts';

const SECONDS = quick ? 10 : 60;

interface ProcessInfo {
  type: string;
  cpuTime: number;
}

/** CPU seconds so far of the browser's renderer processes and of all its processes. */
async function cpuSeconds(browser: Browser): Promise<{ renderer: number; all: number }> {
  const cdp = await browser.newBrowserCDPSession();
  try {
    const { processInfo } = (await cdp.send('SystemInfo.getProcessInfo' as never)) as { processInfo: ProcessInfo[] };
    const sum = (list: ProcessInfo[]) => list.reduce((s, p) => s + p.cpuTime, 0);
    return { renderer: sum(processInfo.filter((p) => p.type === 'renderer')), all: sum(processInfo) };
  } finally {
    await cdp.detach();
  }
}

const meter = await startSimulatedMeter();
const bridge = await startBridge([meter.source]);
const browsers: Browser[] = [];
try {
  const pages = [
    { name: 'meters page (live chart)', url: bridge.url, ready: '.recharts-line-curve' },
    { name: 'diagnostics page', url: `${bridge.url}/#/diagnostics`, ready: 'pre.raw' },
    { name: 'blank page (Chromium alone)', url: 'about:blank', ready: undefined },
  ];
  const opened = await Promise.all(
    pages.map(async (p) => {
      const browser = await launchChromium();
      browsers.push(browser);
      const { page } = await openPage(browser, p.url);
      if (p.ready) await page.locator(p.ready).first().waitFor({ state: 'attached', timeout: 60_000 });
      return { ...p, browser };
    }),
  );
  // Start-up settled (first paint, history query, fonts) before the window opens.
  await new Promise((resolve) => setTimeout(resolve, 3000));
  const before = await Promise.all(opened.map((p) => cpuSeconds(p.browser)));
  const started = performance.now();
  await new Promise((resolve) => setTimeout(resolve, SECONDS * 1000));
  const after = await Promise.all(opened.map((p) => cpuSeconds(p.browser)));
  const wall = (performance.now() - started) / 1000;
  const share = (cpu: number) => `${((100 * cpu) / wall).toFixed(1)} %`;
  console.log(
    `\nUI live view: CPU per second of wall time, ${SECONDS} s of one DSMR 5 meter at 1 Hz, one Chromium each`,
  );
  const widths = [30, 12, 14];
  console.log(row(['page', 'renderer', 'whole browser'], widths));
  opened.forEach((p, i) =>
    console.log(
      row([p.name, share(after[i]!.renderer - before[i]!.renderer), share(after[i]!.all - before[i]!.all)], widths),
    ),
  );
} finally {
  for (const browser of browsers) await browser.close();
  await bridge.stop();
  await meter.stop();
}
