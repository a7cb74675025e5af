import { chromium } from 'playwright-core';
const question = process.argv[2];
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
async function open(port) {
  const ctx = await browser.newContext({ viewport: { width: 1300, height: 1000 } });
  await ctx.route('**/*', r => { const u = new URL(r.request().url()); return ['127.0.0.1','localhost'].includes(u.hostname) ? r.continue() : r.abort(); });
  const page = await ctx.newPage();
  await page.goto(`http://127.0.0.1:${port}/`);
  await page.waitForSelector('[data-lexical-editor="true"]', { timeout: 30000 });
  await page.waitForTimeout(1500);
  return page;
}
const staff = await open(56151);
await staff.getByText('HR-arenden').first().click();
await staff.waitForTimeout(1500);
const manager = await open(56150);
const box = manager.locator('[data-lexical-editor="true"]');
await box.click(); await box.type(question); await manager.keyboard.press('Enter');
await manager.waitForTimeout(4000);
await manager.screenshot({ path: '/tmp/s1-manager.png' });
await staff.waitForTimeout(2000);
await staff.screenshot({ path: '/tmp/s2-card.png' });
await staff.getByRole('button', { name: 'Ta ärendet' }).first().click();
await staff.waitForTimeout(4000);
await staff.screenshot({ path: '/tmp/s3-claimed.png' });
await manager.waitForTimeout(1000);
await manager.screenshot({ path: '/tmp/s4-manager.png' });
await browser.close();
