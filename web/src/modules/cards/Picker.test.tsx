import { act, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { describe, expect, it, vi } from "vitest";

import { Picker, pickOptions } from "./Picker";

const ANN = { id: 1, label: "Ann" };
const ANNA = { id: 2, label: "Anna Lee" };

describe("pickOptions", () => {
  it("puts the exact name first and offers to create only a new name", () => {
    expect(pickOptions([ANNA, ANN], "ann", { label: "New “ann”" }).map((o) => o.id)).toEqual([1, 2]);
    expect(pickOptions([ANNA], "Ann", { label: "New “Ann”" }).map((o) => o.label)).toEqual(["Anna Lee", "New “Ann”"]);
    expect(pickOptions([ANNA], "Ann", { label: "Tag “Ann”", first: true })[0]).toMatchObject({ create: true });
    expect(pickOptions([ANNA], "", { label: "x" })).toEqual([ANNA]);
  });
});

describe("Picker", () => {
  it("never picks the results of an older text: Enter waits for the search of what was typed", async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    const search = vi.fn(async (text: string) => (text === "ann" ? [ANN] : [ANNA]));
    const onPick = vi.fn();
    render(
      <QueryClientProvider client={new QueryClient()}>
        <Picker label="Add contact" scope={["test"]} search={search} onPick={onPick} searchEmpty />
      </QueryClientProvider>,
    );
    const box = screen.getByRole("combobox", { name: "Add contact" });
    await waitFor(() => expect(screen.getByRole("option", { name: "Anna Lee" })).toBeTruthy()); // the empty search
    fireEvent.change(box, { target: { value: "ann" } });
    fireEvent.keyDown(box, { key: "Enter" }); // before the search for "ann" ran
    expect(onPick).not.toHaveBeenCalled();
    await act(async () => {
      vi.advanceTimersByTime(250);
    });
    await waitFor(() => expect(onPick).toHaveBeenCalledWith(ANN));
    vi.useRealTimers();
  });
});
