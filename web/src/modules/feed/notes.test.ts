import { describe, expect, it } from "vitest";

import { translate } from "../../i18n/translate";
import type { Note } from "./merge";
import { callView, formatDuration, isCall, noteView } from "./notes";

const t = (key: Parameters<typeof translate>[1], vars?: Parameters<typeof translate>[2]) => translate("en", key, vars);

function note(note_type: string, params: Record<string, unknown>): Note {
  return { id: 1, entity_id: 1, created_at: 0, created_by: 1, note_type, params } as Note;
}

describe("calls", () => {
  it("show direction, phone, duration, status and the recording", () => {
    const call = callView(
      note("call_in", {
        phone: "+1 555 0100",
        duration: 75,
        call_status: 4,
        call_result: "Agreed",
        source: "Twilio",
        link: "https://rec.test/a.mp3",
      }),
    );
    expect(call).toEqual({
      incoming: true,
      phone: "+1 555 0100",
      duration: "1:15",
      status: "feed.call.status_4",
      result: "Agreed",
      source: "Twilio",
      link: "https://rec.test/a.mp3",
    });
    expect(isCall(note("call_out", {}))).toBe(true);
    expect(isCall(note("common", {}))).toBe(false);
  });

  it("never play a link that is not http(s)", () => {
    expect(callView(note("call_out", { phone: "1", duration: 0, link: "javascript:alert(1)" })).link).toBeUndefined();
    expect(callView(note("call_out", { phone: "1" })).duration).toBe("0:00");
  });

  it("write durations as m:ss or h:mm:ss", () => {
    expect(formatDuration(5)).toBe("0:05");
    expect(formatDuration(3725)).toBe("1:02:05");
  });
});

describe("noteView", () => {
  it("renders the common types readably", () => {
    expect(noteView(t, note("common", { text: "hello" }))).toEqual({ title: "Note", text: "hello" });
    expect(noteView(t, note("sms_in", { phone: "+34 600", text: "hola" }))).toEqual({
      title: "SMS from +34 600",
      text: "hola",
    });
    expect(noteView(t, note("service_message", { service: "Bot", text: "done" })).title).toBe("Message from Bot");
    expect(noteView(t, note("attachment", { file_name: "x.pdf", original_name: "Offer.pdf" })).text).toBe("Offer.pdf");
    expect(
      noteView(t, note("geolocation", { text: "Office", address: "Main St 1", latitude: "40.4", longitude: "-3.7" })),
    ).toMatchObject({
      title: "Location",
      text: "Office — Main St 1",
      urlLabel: "40.4, -3.7",
    });
    expect(noteView(t, note("site_visit", { url: "https://acme.test/pricing" })).url).toBe("https://acme.test/pricing");
    expect(noteView(t, note("task_result", { text: "ok", task_id: 3 }))).toEqual({ title: "Task result", text: "ok" });
  });

  it("shows unknown types as their params", () => {
    expect(noteView(t, note("fancy_note", { a: 1, b: { c: 2 } }))).toEqual({
      title: "fancy_note",
      text: 'a: 1\nb: {"c":2}',
    });
  });
});
