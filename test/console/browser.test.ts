/**
 * The staff console end to end in headless Chromium (Debian's, driven by playwright-core; this machine
 * cannot download a browser): a real waiting approval is decided with the keyboard alone, leaves the
 * list, and shows in the customer's timeline; the clock moves by its button; a screenshot of the page
 * goes to .reports/console.png for a person to look at.
 */
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCustomer, startConsoleFixture, type ConsoleFixture } from './support';

const CHROMIUM = '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) console.warn(`Skipping the staff console browser test: ${CHROMIUM} is missing (install Debian's chromium: apt-get install -y chromium).`);

/** Presses Tab until `target` has the focus, proving it is reachable from the keyboard in tab order. */
async function tabTo(page: Page, target: Locator, maxPresses = 80): Promise<void> {
  for (let i = 0; i < maxPresses; i++) {
    await page.keyboard.press('Tab');
    if (await target.evaluate((el) => el.matches(':focus'))) return;
  }
  throw new Error(`${target} was not reached with ${maxPresses} presses of Tab`);
}

/** The focused element shows a focus outline (the page must never hide it). */
async function focusIsVisible(page: Page): Promise<boolean> {
  // A string, because the test is compiled without the DOM's types; it runs in the page.
  return page.evaluate<boolean>(`(() => {
    const style = getComputedStyle(document.activeElement);
    return style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2;
  })()`);
}

describe.skipIf(!hasChromium)(`the staff console in Chromium${hasChromium ? '' : ` (skipped: ${CHROMIUM} is missing)`}`, () => {
  let fx: ConsoleFixture;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    fx = await startConsoleFixture();
    await createCustomer(fx.rt, 'C-mira', 'Mira Zupan');
    await createCustomer(fx.rt, 'C-tine', 'Tine Kos');
    await fx.requestApproval('A-mira', 'C-mira', 72);
    await fx.requestApproval('A-tine', 'C-tine', 96);
    await fx.requestApproval('A-late', 'C-tine', 96);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      // Playwright gives each launch a fresh, empty profile; these keep Chromium off the closed network.
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
    page.setDefaultTimeout(15_000);
  });
  afterAll(async () => {
    await browser?.close();
    await fx?.stop();
  });

  it('shows a pending approval, takes a decision with the keyboard alone, and the timeline records it', async () => {
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    // Console errors include what the content security policy blocked and any failed request.
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(message.text());
    });
    await page.goto(fx.console.url);
    await page.locator('body[data-ready="true"]').waitFor();

    // Who decides: typed into the identity field and saved with Enter.
    await tabTo(page, page.getByLabel('Deciding as'));
    await page.keyboard.type('mira.staff');
    await page.keyboard.press('Enter');
    await page.getByRole('status').filter({ hasText: 'Decisions are now recorded as mira.staff' }).waitFor();

    const card = page.locator('li.card[data-approval-id="A-mira"]');
    await card.getByText('Refund R-A-mira of the unused months of Hosting Start').waitFor();
    expect(await card.locator('.breakdown tbody tr').allInnerTexts()).toEqual([
      expect.stringMatching(/Unused months 3 × 10\.00\s+IV\. Refund of money\s+30\.00 EUR/),
      expect.stringMatching(/Free domain of the offer\s+IV\. Refund of money\s+-5\.00 EUR/),
    ]);

    // Open the customer from the card, with the keyboard: the diagram shows where the execution waits.
    await tabTo(page, card.getByRole('link', { name: 'Mira Zupan' }));
    expect(await focusIsVisible(page)).toBe(true);
    await page.keyboard.press('Enter');
    await page.locator('#customer-name').filter({ hasText: 'Mira Zupan (C-mira)' }).waitFor();
    const execution = page.locator('section.execution[data-execution="probe-A-mira"]');
    await execution.locator('g.state.current[data-state="WaitForStaffDecision"]').waitFor();

    // The decision: Approve, a reason, Enter.
    await tabTo(page, card.getByRole('radio', { name: 'Approve' }));
    expect(await focusIsVisible(page)).toBe(true);
    await page.keyboard.press('Space');
    await tabTo(page, card.getByLabel('Reason'), 2);
    await page.keyboard.type('breakdown matches clause IV');
    await page.keyboard.press('Enter');

    await page.getByRole('status').filter({ hasText: 'Approved Refund R-A-mira' }).waitFor();
    await card.waitFor({ state: 'detached' });
    expect(await page.locator('li.card[data-approval-id="A-tine"]').count()).toBe(1);
    const decisionRow = page.locator('#timeline-rows tr', { hasText: 'approval A-mira pending → approved' });
    await decisionRow.waitFor();
    expect(await decisionRow.innerText()).toContain('staff mira.staff');
    await execution.locator('g.state.current[data-state="RefundApproved"]').waitFor();
    expect(await fx.rt.repo.get('approval', 'A-mira')).toMatchObject({ state: 'approved', decidedBy: 'mira.staff', reason: 'breakdown matches clause IV' });
    expect(errors).toEqual([]);
  });

  it('says clearly when somebody else decided first, and drops the card', async () => {
    const card = page.locator('li.card[data-approval-id="A-late"]');
    await card.waitFor();
    await fx.rt.deps.approvals.decide({ approvalId: 'A-late', decision: 'approve', reason: 'handled on the phone', decidedBy: 'tine.staff' });

    await card.getByRole('radio', { name: 'Reject' }).check();
    await card.getByLabel('Reason').fill('not eligible');
    await card.getByLabel('Reason').press('Enter');

    await page.getByRole('alert').filter({ hasText: 'Approval A-late was already approved by tine.staff' }).waitFor();
    await card.waitFor({ state: 'detached' });
    expect(await fx.rt.repo.get('approval', 'A-late')).toMatchObject({ state: 'approved', decidedBy: 'tine.staff' });
  });

  it('advances the clock with its button and shows the new time', async () => {
    const before = fx.rt.clock.nowMs();
    const expected = new Date(before + 86_400_000).toISOString();

    await page.getByRole('button', { name: '+1 day' }).click();

    await page.locator(`#clock-now[datetime="${expected}"]`).waitFor();
    expect(fx.rt.clock.now().toISOString()).toBe(expected);
    await page.getByRole('status').filter({ hasText: 'Clock advanced by 1 day' }).waitFor();

    // Fits a 1366-pixel laptop screen without scrolling sideways.
    expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(1366);
    // The picture a person checks: the remaining approval on the left, the customer from the top on the right.
    await page.locator('#customer-name').evaluate((el) => el.scrollIntoView({ block: 'start' }));
    mkdirSync('.reports', { recursive: true });
    await page.screenshot({ path: '.reports/console.png' });
    expect(statSync('.reports/console.png').size).toBeGreaterThan(10_000);
  });
});
