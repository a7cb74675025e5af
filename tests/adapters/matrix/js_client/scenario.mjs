// A manager and a support worker in matrix-js-sdk (the SDK behind Element), against the
// real Synapse the Python test started, with Stödbot running. Prints one JSON object of
// what they saw; tests/adapters/matrix/test_js_client.py asserts on it.
//
//   node scenario.mjs '{"url": ..., "bot": ..., "manager": [id, token], ...}'
import { createClient, ClientEvent, RoomEvent, RoomMemberEvent } from "matrix-js-sdk";

const cfg = JSON.parse(process.argv[2]);
const seen = {};

function client([userId, accessToken]) {
  return createClient({ baseUrl: cfg.url, userId, accessToken, deviceId: "JSTEST" });
}

async function started(c) {
  const ready = new Promise((resolve) =>
    c.once(ClientEvent.Sync, (state) => state === "PREPARED" && resolve()),
  );
  await c.startClient({ initialSyncLimit: 20 });
  await ready;
  return c;
}

// The next message (or edit) in ``roomId`` (null: any room) from the bot for which
// ``test(content)`` holds.
function next(c, roomId, test, what, timeoutMs = 30000) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      c.removeListener(RoomEvent.Timeline, on);
      reject(new Error(`timed out waiting for ${what}`));
    }, timeoutMs);
    function on(event, room) {
      if (!room || (roomId !== null && room.roomId !== roomId)) return;
      if (event.getSender() !== cfg.bot) return;
      if (event.getType() !== "m.room.message") return;
      const content = event.getContent();
      if (test(content)) {
        clearTimeout(timer);
        c.removeListener(RoomEvent.Timeline, on);
        resolve({ id: event.getId(), content, room: room.roomId });
      }
    }
    c.on(RoomEvent.Timeline, on);
  });
}

const body = (needle) => (content) => (content.body || "").includes(needle);

async function main() {
  const manager = await started(client(cfg.manager));
  const staff = await started(client(cfg.staff));

  // Element's way to open a DM: trusted_private_chat, is_direct, the bot invited.
  const { room_id: dm } = await manager.createRoom({
    is_direct: true,
    preset: "trusted_private_chat",
    invite: [cfg.bot],
  });
  for (let i = 0; i < 200; i++) {
    const member = manager.getRoom(dm)?.getMember(cfg.bot);
    if (member && member.membership === "join") break;
    await new Promise((r) => setTimeout(r, 100));
  }

  // 1. A question answered in the DM: HTML that keeps paragraphs and lists.
  let waiting = next(manager, dm, body("Var det till hjälp?"), "the answer");
  await manager.sendTextMessage(dm, "Hur bokar jag en poolbil?");
  const answer = await waiting;
  seen.answer_html = answer.content.formatted_body;
  seen.answer_body = answer.content.body;

  // 2. An edited reply: "7" is no choice, its edit to "1" picks the follow-up.
  waiting = next(manager, dm, body("Svara 1"), "the bad choice");
  const seven = await manager.sendTextMessage(dm, "7");
  seen.bad_choice = (await waiting).content.body;
  waiting = next(manager, dm, body("Skada eller olycka"), "the edited choice");
  await manager.sendMessage(dm, {
    msgtype: "m.text",
    body: " * 1",
    "m.new_content": { msgtype: "m.text", body: "1" },
    "m.relates_to": { rel_type: "m.replace", event_id: seven.event_id },
  });
  seen.edited_choice = (await waiting).content.body;

  // 3. A question the bot cannot answer: offered, then sent on after "ja".
  waiting = next(manager, dm, body("skickar frågan"), "the offer");
  await manager.sendTextMessage(dm, cfg.question);
  seen.offer = (await waiting).content.body;
  const card = next(staff, cfg.hr_room, body("Nytt ärende"), "the ticket card");
  waiting = next(manager, dm, body("som ärende"), "the ticket");
  await manager.sendTextMessage(dm, "ja");
  seen.routed = (await waiting).content.body;
  const ticketCard = await card;
  seen.card = ticketCard.content.body;
  const ticket = /ärende (\d+)/.exec(seen.routed)[1];

  // 4. The worker claims with ✋ on the card; the card is edited to say who has it.
  const claimed = next(
    staff,
    cfg.hr_room,
    (c) => c["m.relates_to"]?.rel_type === "m.replace" && /handläggs av/.test(c["m.new_content"]?.body || ""),
    "the claimed card",
  );
  await staff.sendEvent(cfg.hr_room, "m.reaction", {
    "m.relates_to": { rel_type: "m.annotation", event_id: ticketCard.id, key: "✋" },
  });
  seen.claimed_card = (await claimed).content["m.new_content"].body;

  // 5. !svara from the area room; the manager reads the answer in the DM and closes it.
  const relayed = next(manager, dm, body("Löste det din fråga?"), "the relayed answer");
  await staff.sendTextMessage(cfg.hr_room, `!svara ${ticket} Vi har ingen cykelförmån ännu.`);
  seen.relayed = (await relayed).content.body;
  const closedCard = next(
    staff,
    cfg.hr_room,
    (c) => c["m.relates_to"]?.event_id === ticketCard.id && /avslutat/.test(c["m.new_content"]?.body || ""),
    "the closed card",
  );
  waiting = next(manager, dm, body("avslutat"), "the thanks");
  await manager.sendTextMessage(dm, "ja");
  seen.closed = (await waiting).content.body;
  seen.closed_card = (await closedCard).content["m.new_content"].body;

  // 6. The manager leaves the DM before HR answers: the answer comes in a new DM.
  manager.on(RoomMemberEvent.Membership, (_event, member) => {
    if (member.userId === cfg.manager[0] && member.membership === "invite") {
      manager.joinRoom(member.roomId).catch(() => {});
    }
  });
  waiting = next(manager, dm, body("skickar frågan"), "the second offer");
  await manager.sendTextMessage(dm, cfg.question);
  await waiting;
  waiting = next(manager, dm, body("som ärende"), "the second ticket");
  await manager.sendTextMessage(dm, "ja");
  const second = /ärende (\d+)/.exec((await waiting).content.body)[1];
  await manager.leave(dm);
  const elsewhere = next(manager, null, body("Kontakta löneenheten"), "the answer in a new DM");
  await staff.sendTextMessage(cfg.hr_room, `!svara ${second} Kontakta löneenheten.`);
  const moved = await elsewhere;
  seen.moved_room_differs = moved.room !== dm;
  seen.moved = moved.content.body;

  manager.stopClient();
  staff.stopClient();
}

main()
  .then(() => {
    process.stdout.write(JSON.stringify(seen) + "\n");
    process.exit(0);
  })
  .catch((err) => {
    process.stdout.write(JSON.stringify({ ...seen, error: String(err) }) + "\n");
    process.exit(1);
  });
