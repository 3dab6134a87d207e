import { chromium, type Browser, type Page } from "playwright-core";
import { chromiumArgs, chromiumPath } from "../test/support/chromium.js";

/** Debian's Chromium, headless, with the same flags as the test suite (no outside network). */
export function launch(): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumPath(), args: chromiumArgs, headless: true });
}

/**
 * Opens `url` in a fresh page and waits for `ready` (a promise the page puts on `window`). Page
 * errors and console errors fail loudly: a benchmark that silently measures a broken page is
 * worse than none.
 */
export async function open(browser: Browser, url: string, ready: (page: Page) => Promise<unknown>): Promise<Page> {
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on("pageerror", (err) => errors.push(err.message));
  page.on("console", (msg) => {
    if (msg.type() === "error") errors.push(msg.text());
  });
  await page.goto(url);
  try {
    await ready(page);
  } catch (err) {
    throw new Error(`${url} did not get ready: ${String(err)}${errors.length ? `\n${errors.join("\n")}` : ""}`);
  }
  return page;
}
