import { act, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";

import { ApiError } from "../../api/problem";
import { InlineEdit } from "./InlineEdit";

function Harness({ save, value = "Acme" }: { save: (draft: string) => Promise<unknown>; value?: string }) {
  return (
    <>
      <InlineEdit<string>
        label="Company name"
        display={value}
        start={() => value}
        unchanged={(draft) => draft === value}
        save={save}
        errorPaths={["name"]}
        editor={(p) => (
          <input
            id={p.inputId}
            value={p.draft}
            onChange={(event) => p.setDraft(event.target.value)}
            aria-describedby={p.describedBy}
          />
        )}
      />
      <button type="button">elsewhere</button>
    </>
  );
}

async function openEditor() {
  fireEvent.click(screen.getByRole("button", { name: "Company name: Acme" }));
  const input = screen.getByLabelText("Company name") as HTMLInputElement;
  await waitFor(() => expect(document.activeElement).toBe(input));
  return input;
}

describe("InlineEdit", () => {
  it("saves on Enter and gives the focus back to the value", async () => {
    const save = vi.fn(async () => undefined);
    render(<Harness save={save} />);
    const input = await openEditor();
    fireEvent.change(input, { target: { value: "Acme Ltd" } });
    fireEvent.keyDown(input, { key: "Enter" });
    await waitFor(() => expect(save).toHaveBeenCalledWith("Acme Ltd"));
    const button = await screen.findByRole("button", { name: "Company name: Acme" });
    await waitFor(() => expect(document.activeElement).toBe(button));
  });

  it("cancels on Esc without saving", async () => {
    const save = vi.fn(async () => undefined);
    render(<Harness save={save} />);
    const input = await openEditor();
    fireEvent.change(input, { target: { value: "Other" } });
    fireEvent.keyDown(input, { key: "Escape" });
    expect(save).not.toHaveBeenCalled();
    expect(screen.queryByLabelText("Company name")).toBeNull();
  });

  it("saves when the focus leaves it, and not when nothing changed", async () => {
    const save = vi.fn(async () => undefined);
    render(<Harness save={save} />);
    let input = await openEditor();
    fireEvent.blur(input, { relatedTarget: screen.getByRole("button", { name: "elsewhere" }) });
    expect(save).not.toHaveBeenCalled();
    input = await openEditor();
    fireEvent.change(input, { target: { value: "Acme 2" } });
    fireEvent.blur(input, { relatedTarget: screen.getByRole("button", { name: "elsewhere" }) });
    await waitFor(() => expect(save).toHaveBeenCalledWith("Acme 2"));
  });

  it("keeps the input open with the API's message under it when the save fails", async () => {
    const problem = {
      title: "Bad Request",
      type: "x",
      status: 400,
      detail: "Request validation failed",
      "validation-errors": [
        { request_id: "0", errors: [{ code: "TooLong", path: "name", detail: "Name is too long" }] },
      ],
    };
    const save = vi.fn(async () => {
      throw new ApiError(400, problem);
    });
    render(<Harness save={save} />);
    const input = await openEditor();
    fireEvent.change(input, { target: { value: "x".repeat(300) } });
    await act(async () => {
      fireEvent.keyDown(input, { key: "Enter" });
    });
    const alert = await screen.findByRole("alert");
    expect(alert.textContent).toBe("Name is too long");
    expect(input.getAttribute("aria-describedby")).toBe(alert.id);
  });
});
