// A manager and an HR worker in two Microsoft 365 Agents Playgrounds (the real Teams
// test client), driven in headless Chromium. Prints one JSON object of what they saw;
// tests/adapters/teams/test_playground.py asserts on it.
//
//   node flow.mjs MANAGER_PORT STAFF_PORT SCREENSHOT_DIR
import { chromium } from "playwright-core";

const [managerPort, staffPort, shots] = process.argv.slice(2);
const seen = {};
const browser = await chromium.launch({
  executablePath: "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
});

async function open(port) {
  const ctx = await browser.newContext({ viewport: { width: 1300, height: 1100 } });
  await ctx.route("**/*", (r) => {
    const host = new URL(r.request().url()).hostname;
    return ["127.0.0.1", "localhost"].includes(host) ? r.continue() : r.abort();
  });
  const page = await ctx.newPage();
  await page.goto(`http://127.0.0.1:${port}/`);
  await page.waitForSelector('[data-lexical-editor="true"]', { timeout: 60000 });
  await page.waitForTimeout(1000);
  return page;
}

async function say(page, text) {
  const box = page.locator('[data-lexical-editor="true"]');
  await box.click();
  await box.type(text);
  await page.keyboard.press("Enter");
}

const cards = (page) => page.locator(".ac-adaptiveCard");
const shot = (page, name) => page.screenshot({ path: `${shots}/${name}.png` });

try {
  const manager = await open(managerPort);
  // 1. Ask -> one answer card -> Ja.
  await say(manager, "Hur bokar jag en poolbil?");
  await manager.getByText("Boka en gemensam bil (poolbil)").first().waitFor({ timeout: 30000 });
  await manager.waitForTimeout(800);
  seen.answer_card = await cards(manager).last().innerText();
  seen.messages_after_answer = await manager.getByText("Test Bot").count();
  await shot(manager, "teams-1-answer");
  await manager.getByRole("button", { name: "Ja, det hjälpte" }).first().click();
  await manager.getByText("Skönt att det hjälpte").first().waitFor({ timeout: 30000 });
  await manager.waitForTimeout(500);
  seen.used_card = await cards(manager).first().innerText();

  // 2. Clarify by button.
  await say(manager, "bil");
  await manager.getByRole("button", { name: "Inget av dem" }).first().waitFor({ timeout: 30000 });
  seen.clarify_card = await cards(manager).last().innerText();
  await manager.getByRole("button", { name: /^1\. / }).last().click();
  await manager.getByText("Var det till hjälp?").last().waitFor({ timeout: 30000 });

  // 3. A stale button: "Nej" on the first clarify's answer, after a newer question.
  await say(manager, "Var hittar jag min lönespecifikation?");
  await manager.getByText("lönespecifikationen").first().waitFor({ timeout: 30000 });
  await manager.waitForTimeout(800);
  const older = cards(manager).nth((await cards(manager).count()) - 2);
  await older.getByRole("button", { name: "Nej" }).click();
  await manager.getByText("tidigare meddelande").first().waitFor({ timeout: 30000 });
  seen.stale = await manager.getByText("tidigare meddelande").first().innerText();

  // 4. Nej -> confirm -> a ticket card in the HR channel.
  const staff = await open(staffPort);
  await staff.getByText("HR-arenden").first().click();
  await staff.waitForTimeout(1000);
  await say(manager, "Vilka regler gäller för cykelförmån via bruttolöneavdrag?");
  await manager.getByRole("button", { name: "Ja, skicka den" }).last().waitFor({ timeout: 30000 });
  seen.offer_card = await cards(manager).last().innerText();
  await shot(manager, "teams-2-offer");
  await manager.getByRole("button", { name: "Ja, skicka den" }).last().click();
  await manager.getByText("som ärende").last().waitFor({ timeout: 30000 });
  seen.routed = await manager.getByText("som ärende").last().innerText();
  await staff.getByRole("button", { name: "Ta ärendet" }).first().waitFor({ timeout: 30000 });
  seen.ticket_card = await cards(staff).first().innerText();

  // 5. Claim from the card: the card refreshes; the manager is told, by name.
  await staff.getByRole("button", { name: "Ta ärendet" }).first().click();
  await staff.getByText("handläggs av").first().waitFor({ timeout: 30000 });
  seen.claimed_card = await cards(staff).first().innerText();
  await shot(staff, "teams-3-claimed");
  await manager.getByText("har tagit ditt ärende").last().waitFor({ timeout: 30000 });
  seen.told = await manager.getByText("har tagit ditt ärende").last().innerText();

  // 6. Svara from the card: the manager gets the answer.
  await staff.getByRole("button", { name: "Svara" }).first().click();
  const input = staff.locator('.ac-adaptiveCard textarea, .ac-adaptiveCard input[type="text"]').first();
  await input.waitFor({ timeout: 30000 });
  await input.fill("Vi har ingen cykelförmån ännu.");
  await staff.getByRole("button", { name: "Skicka" }).first().click();
  await manager.getByText("Vi har ingen cykelförmån ännu.").last().waitFor({ timeout: 30000 });
  seen.answered = await cards(manager).last().innerText();
  await shot(manager, "teams-4-answer-to-ticket");
} catch (err) {
  seen.error = String(err);
} finally {
  await browser.close();
}
process.stdout.write(JSON.stringify(seen) + "\n");
process.exit(seen.error ? 1 : 0);
