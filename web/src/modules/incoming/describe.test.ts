import { describe, expect, it } from "vitest";

import { translate } from "../../i18n/translate";
import { entityIds, firstStage, incomingByLead, targetStages } from "./api";
import { details, firstFieldValue, formatDuration, headline } from "./describe";
import { incoming, pipeline, stage } from "./testData";

const sip = (meta: Record<string, unknown>) =>
  incoming({ category: "sip", metadata: { from: null, phone: null, called_at: null, duration: null, link: null,
    service_code: null, uniq: null, call_responsible: null, ...meta } });

const text = (item: ReturnType<typeof incoming>) => {
  const line = headline(item);
  return translate("en", line.key, line.vars);
};

describe("headline", () => {
  it("names the caller, the form, the mail and the chat", () => {
    expect(text(sip({ phone: "+34 600 1", from: "Reception" }))).toBe("Call from +34 600 1");
    expect(text(sip({ from: 4815 }))).toBe("Call from 4815");
    expect(text(sip({}))).toBe("Call from an unknown number");
    expect(text(incoming({ category: "forms", metadata: { form_id: 7, form_name: null } as never }))).toBe("Form “7”");
    const mail = { from: { email: "ana@x.test", name: null }, subject: null, received_at: null, thread_id: null,
      message_id: null, content_summary: null };
    expect(text(incoming({ category: "mail", metadata: mail }))).toBe("Mail from ana@x.test");
    expect(text(incoming({ category: "mail", metadata: { ...mail, subject: "Prices" } }))).toBe("Mail: Prices");
    const chat = { from: "wa", to: null, received_at: 1, service: "whatsapp", client: { name: "Ana", avatar: null },
      origin: { chat_id: "c", ref: null, visitor_uid: null }, last_message_text: "Hi", source_name: null };
    expect(text(incoming({ category: "chats", metadata: chat }))).toBe("Chat with Ana");
  });

  it("has a plain title for a bare reference (the board passes uid and pipeline only)", () => {
    expect(translate("en", headline({ uid: "x", pipeline_id: 1 }).key)).toBe("Incoming lead");
  });
});

describe("details", () => {
  it("lists the given metadata in order, leaving out empty values and a caller that repeats the phone", () => {
    const shown = details(sip({ phone: "+1 555", from: "+1 555", called_at: 1_790_000_000, duration: 187,
      link: "https://rec.test/1.mp3", service_code: "  " }));
    expect(shown.map((detail) => [detail.label, detail.kind])).toEqual([
      ["incoming.meta.phone", "phone"],
      ["incoming.meta.called_at", "time"],
      ["incoming.meta.duration", "duration"],
      ["incoming.meta.recording", "url"],
    ]);
  });

  it("never makes a link of an address that is not http(s)", () => {
    const form = incoming({ category: "forms", metadata: { form_id: "f", form_name: "F", form_page: "javascript:alert(1)",
      ip: null, form_sent_at: null, referer: "https://google.test", visitor_uid: null, form_type: null } });
    expect(details(form)).toEqual([
      { label: "incoming.meta.form_page", value: "javascript:alert(1)", kind: "text" },
      { label: "incoming.meta.referer", value: "https://google.test", kind: "url" },
    ]);
  });

  it("reads nested mail and chat keys", () => {
    const mail = incoming({ category: "mail", metadata: { from: { email: "ana@x.test", name: "Ana" }, subject: "Hi",
      received_at: null, thread_id: null, message_id: null, content_summary: null } });
    expect(details(mail).map((detail) => detail.value)).toEqual(["Ana", "ana@x.test", "Hi"]);
  });
});

describe("formatDuration", () => {
  it("writes seconds, minutes and hours", () => {
    expect(formatDuration(45)).toBe("45 s");
    expect(formatDuration(187)).toBe("3:07");
    expect(formatDuration(3723)).toBe("1:02:03");
  });
});

describe("stages", () => {
  const stages = [stage(143, 11000), stage(5, 30), stage(142, 10000), stage(1, 10, 1), stage(4, 20)];

  it("offers every stage but Incoming, won and lost last, and defaults to the first ordinary one", () => {
    expect(targetStages(pipeline(stages)).map((one) => one.id)).toEqual([4, 5, 142, 143]);
    expect(firstStage(pipeline(stages))?.id).toBe(4);
    expect(firstStage(undefined)).toBeUndefined();
  });
});

describe("entities", () => {
  it("maps incoming leads by their lead and reads the contact's first phone", () => {
    const a = incoming({ uid: "a", category: "sip", metadata: sip({}).metadata });
    const b = incoming({ uid: "b", category: "sip", metadata: sip({}).metadata,
      _embedded: { leads: [{ id: 11, _links: a._links }], contacts: [{ id: 3, _links: a._links }], companies: [] } });
    expect([...incomingByLead([a, b]).entries()].map(([lead, item]) => [lead, item.uid])).toEqual([[10, "a"], [11, "b"]]);
    expect(entityIds(b)).toEqual({ lead: 11, contact: 3, company: null });
    const fields = [{ field_code: "EMAIL", values: [{ value: "a@x.test" }] }, { field_code: "PHONE", values: [{ value: 5 }] }];
    expect(firstFieldValue(fields, "PHONE")).toBe("5");
    expect(firstFieldValue(null, "PHONE")).toBeNull();
  });
});
