import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";

import { links, NOW, open, serve } from "../tasks/testApi";
import { incoming, pipeline, stage } from "./testData";

afterEach(() => vi.unstubAllGlobals());

describe("the incoming leads screen", () => {
  it("accepts the selected incoming leads into the chosen stage, one call each", async () => {
    const meta = { form_id: "f", form_name: "Callback", form_page: "https://x.test", ip: null, form_sent_at: NOW,
      referer: null, visitor_uid: null, form_type: null };
    const items = [incoming({ uid: "a", category: "forms", metadata: meta }),
      incoming({ uid: "b", category: "forms", metadata: { ...meta, form_name: "Quote" } })];
    const accepted = { uid: "a", category: "forms", pipeline_id: 1, created_at: NOW,
      _embedded: { leads: [{ id: 10, _links: links }], contacts: [], companies: [] } };
    const requests = serve({
      "GET /api/v4/leads/unsorted": { body: { _links: links, _embedded: { unsorted: items } } },
      "GET /api/v4/leads/pipelines": { body: { _links: links, _embedded: { pipelines: [
        pipeline([stage(1, 10, 1), stage(4, 20), stage(5, 30), stage(142, 10000), stage(143, 11000)])] } } },
      "POST /api/v4/leads/unsorted/a/accept": { body: accepted },
      "POST /api/v4/leads/unsorted/b/accept": { body: { ...accepted, uid: "b" } },
    });
    open("/incoming");
    fireEvent.click(await screen.findByRole("checkbox", { name: "Select all" }));
    fireEvent.click(screen.getByRole("button", { name: "Accept selected (2)" }));
    const dialog = await screen.findByRole("dialog", { name: "Accept 2 incoming leads" });
    const stages = within(dialog).getByLabelText("Stage") as HTMLSelectElement;
    await waitFor(() => expect(stages.value).toBe("4"));
    fireEvent.change(stages, { target: { value: "5" } });
    fireEvent.click(within(dialog).getByRole("button", { name: "Accept" }));
    await waitFor(() => expect(screen.queryByRole("dialog")).toBeNull());
    const accepts = requests.filter((request) => request.method === "POST");
    expect(accepts.map((request) => [request.url.pathname, request.body])).toEqual([
      ["/api/v4/leads/unsorted/a/accept", { status_id: 5, user_id: 1 }],
      ["/api/v4/leads/unsorted/b/accept", { status_id: 5, user_id: 1 }],
    ]);
    const sorted = await screen.findByRole("region", { name: "Just sorted" });
    expect(within(sorted).getAllByRole("link", { name: "Open the lead" })[0]!.getAttribute("href")).toBe("/leads/10");
  });
});
