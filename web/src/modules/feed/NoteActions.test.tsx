import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { fireEvent, render, screen, waitFor } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

import { ToastProvider } from "../../ui";
import type { Note } from "./merge";
import { isEditableNote, NoteActions } from "./NoteActions";

let requests: { method: string; path: string; body: unknown }[] = [];
let answer: { status: number; body: unknown } = { status: 200, body: { id: 9 } };

beforeEach(() => {
  requests = [];
  answer = { status: 200, body: { id: 9 } };
  vi.stubGlobal("fetch", async (request: Request) => {
    const text = await request.text();
    requests.push({ method: request.method, path: new URL(request.url).pathname, body: text ? JSON.parse(text) : null });
    if (request.method === "DELETE" && answer.status === 200) return new Response(null, { status: 204 });
    return new Response(JSON.stringify(answer.body), { status: answer.status, headers: { "Content-Type": "application/json" } });
  });
});

afterEach(() => vi.unstubAllGlobals());

const note = { id: 9, entity_id: 5, note_type: "common", params: { text: "Called Ana" }, created_by: 1, created_at: 1 } as unknown as Note;

function show() {
  render(
    <QueryClientProvider client={new QueryClient()}>
      <ToastProvider>
        <NoteActions note={note} kind="contacts" id={5} />
      </ToastProvider>
    </QueryClientProvider>,
  );
}

describe("editing and deleting a note", () => {
  it("edits only text notes", () => {
    expect(isEditableNote({ note_type: "common" })).toBe(true);
    expect(isEditableNote({ note_type: "call_in" })).toBe(false);
  });

  it("saves the new text with PATCH of the note's path", async () => {
    show();
    fireEvent.click(screen.getByRole("button", { name: "Edit the note" }));
    const field = screen.getByLabelText("Note") as HTMLTextAreaElement;
    expect(field.value).toBe("Called Ana");
    fireEvent.change(field, { target: { value: "Called Ana twice" } });
    fireEvent.click(screen.getByRole("button", { name: "Save" }));
    await screen.findByText("Note saved");
    expect(requests).toEqual([{ method: "PATCH", path: "/api/v4/contacts/5/notes/9", body: { params: { text: "Called Ana twice" } } }]);
    expect(screen.queryByRole("dialog")).toBeNull();
  });

  it("keeps the dialog open with the API's message under the text when it refuses", async () => {
    answer = {
      status: 400,
      body: { title: "Bad Request", status: 400, detail: "Invalid", "validation-errors": [{ request_id: "0", errors: [{ code: "x", path: "params.text", detail: "Too long" }] }] },
    };
    show();
    fireEvent.click(screen.getByRole("button", { name: "Edit the note" }));
    fireEvent.click(screen.getByRole("button", { name: "Save" }));
    await screen.findByText("Too long");
    expect(screen.getByRole("dialog", { name: "Edit the note" })).toBeTruthy();
  });

  it("refuses an empty text without asking the API", () => {
    show();
    fireEvent.click(screen.getByRole("button", { name: "Edit the note" }));
    fireEvent.change(screen.getByLabelText("Note"), { target: { value: "  " } });
    fireEvent.click(screen.getByRole("button", { name: "Save" }));
    expect(screen.getByText("Write something first.")).toBeTruthy();
    expect(requests).toEqual([]);
  });

  it("deletes after a confirmation", async () => {
    show();
    fireEvent.click(screen.getByRole("button", { name: "Delete the note" }));
    const dialog = screen.getByRole("dialog", { name: "Delete this note?" });
    expect(dialog.textContent).toContain("Called Ana");
    fireEvent.click(screen.getAllByRole("button", { name: "Delete" }).at(-1)!);
    await waitFor(() => expect(requests).toEqual([{ method: "DELETE", path: "/api/v4/contacts/5/notes/9", body: null }]));
    await screen.findByText("Note deleted");
  });
});
