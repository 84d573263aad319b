// Code passed to page.evaluate() runs in the browser and uses its globals.
/// <reference lib="dom" />
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { AddressInfo } from 'node:net';
import { INestApplication } from '@nestjs/common';
import { Browser, chromium, Page } from 'playwright-core';
import AxeBuilder from '@axe-core/playwright';

const ROOT = resolve(__dirname, '../..');
const DESK_SOURCES = join(ROOT, 'apps/risk-desk');
const DESK_BUILD = join(ROOT, 'dist/risk-desk/index.html');

/** Debian's Chromium (apt-get install chromium): the test tool's own browser download is not used. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const newestIn = (dir: string): number =>
  readdirSync(dir, { withFileTypes: true }).reduce((newest, entry) => {
    const path = join(dir, entry.name);
    return Math.max(newest, entry.isDirectory() ? newestIn(path) : statSync(path).mtimeMs);
  }, 0);

/** Builds the desk when dist/risk-desk is missing or older than its sources (npm test builds it first). */
export function ensureDeskBuilt(): void {
  if (existsSync(DESK_BUILD) && statSync(DESK_BUILD).mtimeMs >= newestIn(DESK_SOURCES)) return;
  execFileSync('npm', ['run', '-s', 'build:desk'], { cwd: ROOT, stdio: 'inherit' });
}

export function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} not found: install it with apt-get install -y chromium (npm test does)`);
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** The API under test listening on a free local port; the desk is at `${url}/desk/`. */
export async function listen(api: INestApplication): Promise<string> {
  await api.listen(0, '127.0.0.1');
  const { port } = api.getHttpServer().address() as AddressInfo;
  return `http://127.0.0.1:${port}`;
}

/**
 * Screenshots for the README. They go to .run/screenshots unless
 * DESK_SCREENSHOTS_DIR says otherwise (`npm run screenshots` writes docs/screenshots).
 */
export async function screenshot(page: Page, name: string): Promise<string> {
  const dir = resolve(ROOT, process.env.DESK_SCREENSHOTS_DIR ?? '.run/screenshots');
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/** WCAG 2 A/AA rules of axe-core on the page as it is; returns one line per violation. */
export async function accessibilityProblems(page: Page): Promise<string[]> {
  const result = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
    .analyze();
  return result.violations.map(
    (v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`,
  );
}

/** Contrast ratio (WCAG 2) of each matching element's text colour on its own background colour. */
export function contrastRatios(page: Page, selector: string): Promise<{ text: string; ratio: number }[]> {
  return page.$$eval(selector, (elements) => {
    const channel = (c: number) => {
      const s = c / 255;
      return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
    };
    const luminance = (css: string) => {
      const [r, g, b] = (css.match(/\d+(\.\d+)?/g) ?? ['0', '0', '0']).slice(0, 3).map(Number);
      return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
    };
    return elements.map((element) => {
      const style = getComputedStyle(element);
      const [a, b] = [luminance(style.color), luminance(style.backgroundColor)].sort((x, y) => y - x);
      return { text: element.textContent ?? '', ratio: (a + 0.05) / (b + 0.05) };
    });
  });
}
