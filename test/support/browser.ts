import AxeBuilder from '@axe-core/playwright';
import { chromium, type Browser, type Page } from 'playwright-core';

/** Debian's Chromium, headless, with the flags this closed network needs (no background calls). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** WCAG 2.1 A and AA violations axe-core finds on the page, as readable lines (empty when none). */
export async function accessibilityViolations(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  return results.violations.map((v) => `${page.url()} ${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
}

/** At 200 % zoom a 1280-pixel screen is 640 CSS pixels wide: nothing may need sideways scrolling. */
export async function overflowsSideways(page: Page): Promise<boolean> {
  return page.evaluate('document.documentElement.scrollWidth > document.documentElement.clientWidth + 1') as Promise<boolean>;
}

/**
 * What makes a page hard to use on a phone: sideways scrolling, and any link or button whose box
 * lies outside the viewport's width (a control that is only off-screen until focused, like the
 * skip link, counts when focusing it brings it into view). Answers readable lines, empty when none.
 */
export async function narrowScreenProblems(page: Page): Promise<string[]> {
  const problems = (await page.evaluate(`(() => {
    const width = document.documentElement.clientWidth;
    const problems = [];
    const scroll = document.documentElement.scrollWidth;
    if (scroll > width + 1) problems.push('scrolls sideways: ' + scroll + ' px of content in ' + width + ' px');
    const outside = (el) => {
      const r = el.getBoundingClientRect();
      return r.width + r.height > 0 && (r.left < -0.5 || r.right > width + 0.5);
    };
    for (const el of document.querySelectorAll('a[href], button, input[type=submit], input[type=button]')) {
      if (!outside(el)) continue;
      // Without scrolling: a control reached only by scrolling sideways is exactly what must not be.
      el.focus({ preventScroll: true });
      const still = outside(el);
      el.blur();
      if (!still) continue;
      const r = el.getBoundingClientRect();
      const name = (el.textContent || el.value || '').trim().slice(0, 40);
      problems.push('"' + name + '" at x=' + Math.round(r.left) + '..' + Math.round(r.right) + ' of ' + width);
    }
    return problems;
  })()`)) as string[];
  return problems.map((p) => `${new URL(page.url()).pathname}: ${p}`);
}

/** The phone width the portal is checked at (an iPhone 12-15 is 390 CSS pixels wide). */
export const PHONE_VIEWPORT = { width: 390, height: 844 };
