// Browser checks, run by python/tests/test_site_browser.py: it starts this script, reads the JSON
// it prints, and asserts on each part. Two modes:
//   node checks.mjs site SITE_DIR SHOTS_DIR      the study site, opened from file://
//   node checks.mjs markdown PAGES_DIR SHOTS_DIR the comparison pages rendered with GitHub's CSS
// Every measurement is taken here; every verdict is pytest's.
import { mkdtempSync, rmSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";
import { chromium } from "playwright-core";

const require = createRequire(import.meta.url);
const AXE = require.resolve("axe-core/axe.min.js");
const CHROMIUM = process.env.PARITY_CHROMIUM || "/usr/bin/chromium";
const FLAGS = [
  "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync",
];
const TIMEOUT = Number(process.env.PARITY_BROWSER_TIMEOUT_MS || 30000);
const [mode, folderArg, shotsArg] = process.argv.slice(2);
const folder = resolve(folderArg);
const shots = resolve(shotsArg);
const base = pathToFileURL(folder).href + "/";

// A fresh profile per context, removed at the end.
const profiles = [];
async function open(options = {}) {
  const dir = mkdtempSync(join(tmpdir(), "parity-chromium-"));
  profiles.push(dir);
  const context = await chromium.launchPersistentContext(dir, {
    executablePath: CHROMIUM, headless: true, args: FLAGS, timeout: TIMEOUT,
    viewport: { width: 1280, height: 900 }, ...options,
  });
  context.setDefaultTimeout(TIMEOUT);
  return context;
}

// Every console error and every request that leaves the folder, on every page of a context.
const consoleErrors = [];
const outside = [];
function watch(page) {
  page.on("console", (m) => { if (m.type() === "error") consoleErrors.push(`${page.url()}: ${m.text()}`); });
  page.on("pageerror", (e) => consoleErrors.push(`${page.url()}: ${e.message}`));
  page.on("request", (r) => {
    const url = r.url();
    if (!url.startsWith(base) && !url.startsWith("data:") && !url.startsWith(pathToFileURL(resolve("node_modules")).href)) {
      outside.push(`${page.url()} -> ${url}`);
    }
  });
  return page;
}

function box(el) {
  const r = el.getBoundingClientRect();
  return { left: r.left, right: r.right, top: r.top, bottom: r.bottom, width: r.width };
}

async function sideways(page) {
  return page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
}

async function siteChecks() {
  const out = {};
  const pages = readdirSync(folder).filter((f) => f.endsWith(".html")).sort();
  const context = await open();
  await context.grantPermissions(["clipboard-read", "clipboard-write"]);
  const page = watch(await context.newPage());

  // Every page at 1280 and at 390: loads clean, never scrolls sideways.
  out.overflow = { 1280: {}, 390: {} };
  for (const width of [1280, 390]) {
    await page.setViewportSize({ width, height: 900 });
    for (const name of pages) {
      await page.goto(base + name);
      const extra = await sideways(page);
      if (extra > 0) out.overflow[width][name] = extra;
    }
  }
  out.pages = pages.length;

  // One concept at both widths: where its first paired listings stand.
  const concept = base + "task.when-all.html";
  const pair = () => page.evaluate(() => {
    const row = document.querySelector(".row.paired");
    const b = (el) => { const r = el.getBoundingClientRect(); return { left: r.left, right: r.right, top: r.top, bottom: r.bottom }; };
    return {
      row: row.id,
      python: b(row.querySelector(".region.py pre")),
      csharp: b(row.querySelector(".region.cs pre")),
      viewport: document.documentElement.clientWidth,
    };
  });
  // Every listing of the page: how many scroll sideways, the smallest code font, and how many
  // columns the narrowest listing shows (its content width over the width of one character).
  const listings = () => page.evaluate(() => {
    const pres = [...document.querySelectorAll(".panes pre.code")];
    const fonts = pres.map((pre) => parseFloat(getComputedStyle(pre.querySelector("code")).fontSize));
    const columns = pres.map((pre) => {
      const code = pre.querySelector("code");
      const probe = document.createElement("span");
      probe.textContent = "0".repeat(100);
      probe.style.whiteSpace = "pre";
      code.append(probe);
      const char = probe.getBoundingClientRect().width / 100;
      probe.remove();
      const style = getComputedStyle(pre);
      const inner = pre.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
      return Math.floor(inner / char);
    });
    return {
      count: pres.length,
      scrolling: pres.filter((pre) => pre.scrollWidth > pre.clientWidth + 1).length,
      smallest_font: Math.min(...fonts),
      fewest_columns: Math.min(...columns),
    };
  });
  for (const [width, height] of [[1280, 900], [390, 844]]) {
    for (const scheme of ["light", "dark"]) {
      await page.setViewportSize({ width, height });
      await page.emulateMedia({ colorScheme: scheme });
      await page.goto(concept);
      out[`pair_${width}`] = await pair();
      out[`listings_${width}`] = await listings();
      await page.screenshot({ path: join(shots, `site-${width}-${scheme}-top.png`) });
      await page.locator("#code").scrollIntoViewIfNeeded();
      await page.evaluate(() => document.querySelector("#code").scrollIntoView());
      await page.screenshot({ path: join(shots, `site-${width}-${scheme}-code.png`) });
    }
  }
  await page.setViewportSize({ width: 1600, height: 900 });
  await page.goto(concept);
  out.listings_1600 = await listings();
  await page.emulateMedia({ colorScheme: "light", media: "print" });
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.goto(concept);
  out.pair_print = await pair();
  out.print_hidden = await page.evaluate(() =>
    [".site-top", ".prevnext", "button.copy"].filter((s) => {
      const el = document.querySelector(s);
      return el && getComputedStyle(el).display !== "none";
    }));
  await page.emulateMedia({ media: "screen" });
  await page.goto(base + "index.html");
  await page.screenshot({ path: join(shots, "site-1280-index.png") });

  // Focus and hover on a Python region mark its C# pair, and only that one.
  await page.goto(concept);
  const marks = () => page.evaluate(() => ({
    row: [...document.querySelectorAll(".row.paired")][0].querySelector(".region.cs").classList.contains("marked"),
    others: [...document.querySelectorAll(".row.paired")].slice(1)
      .filter((r) => r.querySelector(".region.cs").classList.contains("marked")).length,
  }));
  out.marks_before = await marks();
  await page.locator(".row.paired .region.py pre").first().focus();
  out.marks_focus = await marks();
  await page.locator("h1").click();
  await page.evaluate(() => document.activeElement && document.activeElement.blur());
  await page.mouse.move(0, 0);
  out.marks_blur = await marks();
  await page.locator(".row.paired .region.py pre").first().hover();
  out.marks_hover = await marks();
  await page.mouse.move(0, 0);

  // Copy: what the clipboard holds after each button.
  out.copy = {};
  for (const target of ["py-fetch-all", "cs-fetch-all", "cmd-1", "out-py"]) {
    await page.evaluate(() => navigator.clipboard.writeText("(nothing copied)"));
    await page.locator(`button.copy[data-copy="${target}"]`).click();
    await page.waitForFunction(
      (t) => document.querySelector(`button.copy[data-copy="${t}"]`).classList.contains("done"), target);
    out.copy[target] = await page.evaluate(() => navigator.clipboard.readText());
  }

  // The keys: / focuses the search; the arrows go to the next and the previous concept.
  await page.goto(base + "index.html");
  await page.keyboard.press("/");
  out.slash_focus = await page.evaluate(() => document.activeElement && document.activeElement.id);
  out.search = {};
  for (const query of ["WhenAll", "apply_async", "Task.WhenAny"]) {
    await page.fill("#search", query);
    await page.waitForFunction(() => {
      const list = document.getElementById("search-results");
      return !list.hidden && list.querySelector("a, .empty") && !/Loading/.test(list.textContent);
    });
    out.search[query] = await page.$$eval("#search-results a", (as) => as.map((a) => a.getAttribute("href")));
  }
  await page.fill("#search", "WhenAll");
  await page.screenshot({ path: join(shots, "site-1280-search.png") });
  await page.keyboard.press("Enter");
  await page.waitForURL(/task\.when-all\.html$/);
  out.search_enter = page.url().slice(base.length);

  await page.goto(concept);
  await page.keyboard.press("ArrowRight");
  await page.waitForURL((u) => u.href !== concept);
  out.arrow_right = page.url().slice(base.length);
  await page.keyboard.press("ArrowLeft");
  await page.waitForURL((u) => u.href !== base + out.arrow_right);
  out.arrow_left = page.url().slice(base.length);

  // axe-core, light and dark: what it finds, by impact.
  out.axe = {};
  for (const scheme of ["light", "dark"]) {
    await page.emulateMedia({ colorScheme: scheme });
    for (const name of ["index.html", "task.when-all.html", "task.html", "errata.html", "benchmarks.html", "coverage.html", "bridge.gil.html"]) {
      await page.goto(base + name);
      await page.addScriptTag({ path: AXE });
      const found = await page.evaluate(async () => {
        const r = await window.axe.run(document, { resultTypes: ["violations"], preload: false });
        return r.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.slice(0, 3).map((n) => n.target.join(" ")) }));
      });
      out.axe[`${scheme} ${name}`] = found;
    }
  }
  await page.emulateMedia({ colorScheme: "light" });
  await context.close();

  // JavaScript off: the page still reads whole; the search and the copy buttons stay hidden.
  const plain = await open({ javaScriptEnabled: false });
  const still = watch(await plain.newPage());
  await still.goto(concept);
  out.nojs = await still.evaluate(() => ({
    code: document.querySelector(".region.py pre").innerText,
    claims: document.querySelectorAll(".claim").length,
    searchVisible: !!document.getElementById("search").offsetParent,
    copyVisible: [...document.querySelectorAll("button.copy")].some((b) => b.offsetParent),
  }));
  await still.screenshot({ path: join(shots, "site-1280-nojs.png") });
  await plain.close();
  return out;
}

async function markdownChecks() {
  // Each page at 1280 px: every listing (details opened) must stand inside the 1012-px column.
  const out = { pages: {}, listings: 0 };
  const context = await open();
  const page = watch(await context.newPage());
  const pages = readdirSync(folder).filter((f) => f.endsWith(".html")).sort();
  for (const name of pages) {
    await page.goto(base + name);
    const found = await page.evaluate(() => {
      document.querySelectorAll("details").forEach((d) => { d.open = true; });
      const column = document.querySelector("article.markdown-body").getBoundingClientRect();
      const bad = [];
      const listings = [...document.querySelectorAll("article pre")];
      for (const pre of listings) {
        const r = pre.getBoundingClientRect();
        // Inside a table that scrolls sideways, a listing can be cut off even when its box fits.
        const table = pre.closest("table");
        const hidden = table ? table.scrollWidth - table.clientWidth : 0;
        if (r.left < column.left - 1 || r.left >= column.right || r.right > column.right + 1 || hidden > 1) {
          bad.push({ first: pre.innerText.split("\n")[0].slice(0, 80), left: r.left, right: r.right, hidden });
        }
      }
      return { count: listings.length, column: { left: column.left, right: column.right }, bad };
    });
    out.listings += found.count;
    out.pages[name] = found;
    if (name === "task.html" || name === "pool.html") {
      // Where a pair stands side by side if the page has one, else its first listings.
      await page.evaluate(() => {
        const pre = document.querySelector("article table pre") || document.querySelector("article h3 ~ pre");
        if (pre) pre.scrollIntoView();
        window.scrollBy(0, -120);
      });
      await page.screenshot({ path: join(shots, `markdown-1280-${name.replace(".html", "")}.png`) });
    }
  }
  await context.close();
  return out;
}

let result;
try {
  result = mode === "site" ? await siteChecks() : await markdownChecks();
  result.console = consoleErrors;
  result.outside = outside;
} finally {
  for (const dir of profiles) rmSync(dir, { recursive: true, force: true });
}
process.stdout.write(JSON.stringify(result) + "\n");
