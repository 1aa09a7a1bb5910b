import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";

import { links, NOW, open, serve } from "./testApi";

function task(id: number, text: string, completeTill: number) {
  return { id, text, complete_till: completeTill, created_by: 1, updated_by: 1, created_at: NOW, updated_at: NOW,
    responsible_user_id: 1, group_id: 0, entity_id: null, entity_type: null, is_completed: false, task_type_id: 1,
    duration: 0, result: [], account_id: 2, _links: links };
}

afterEach(() => vi.unstubAllGlobals());

describe("the tasks screen", () => {
  it("asks for my open tasks in deadline order, groups them and completes one with its result", async () => {
    const requests = serve({
      "GET /api/v4/tasks": { body: { _links: links, _embedded: { tasks: [
        task(1, "Late call", NOW - 7200), task(2, "Much later", NOW + 5 * 86400)] } } },
      "PATCH /api/v4/tasks": { body: { _links: links, _embedded: { tasks: [{ id: 1, updated_at: NOW, request_id: "0", _links: links }] } } },
    });
    open("/tasks");
    const overdue = await screen.findByRole("region", { name: /^Overdue/ });
    expect(within(overdue).getByText("Late call")).toBeTruthy();
    expect(within(screen.getByRole("region", { name: /^Upcoming/ })).getByText("Much later")).toBeTruthy();
    expect(within(screen.getByRole("region", { name: /^Today/ })).getByText("Nothing left for today.")).toBeTruthy();
    const list = requests.find((request) => request.url.pathname === "/api/v4/tasks")!.url;
    expect(decodeURIComponent(list.search)).toBe(
      "?page=1&limit=50&filter[is_completed]=false&filter[responsible_user_id][]=1&order[complete_till]=asc");

    fireEvent.click(within(overdue).getByRole("button", { name: "Complete" }));
    const dialog = await screen.findByRole("dialog", { name: "Complete task" });
    fireEvent.change(within(dialog).getByLabelText("Result"), { target: { value: "  Reached them  " } });
    fireEvent.click(within(dialog).getByRole("button", { name: "Complete task" }));
    await waitFor(() => expect(screen.queryByRole("dialog")).toBeNull());
    const patch = requests.find((request) => request.method === "PATCH")!;
    expect(patch.body).toEqual([{ id: 1, is_completed: true, result: { text: "Reached them" } }]);
  });

  it("shows everyone's tasks without a responsible filter", async () => {
    const requests = serve({});
    open("/tasks?user=all");
    expect(await screen.findByText("Nothing overdue.")).toBeTruthy();
    const list = requests.find((request) => request.url.pathname === "/api/v4/tasks")!.url;
    expect(list.searchParams.has("filter[responsible_user_id][]")).toBe(false);
  });
});

