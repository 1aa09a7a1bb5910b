import { describe, expect, it } from "vitest";

import { en } from "./en";
import { es } from "./es";
import { pickLanguage, supported, translate } from "./translate";

describe("dictionaries", () => {
  it("have the same keys in English and Spanish", () => {
    expect(Object.keys(es).sort()).toEqual(Object.keys(en).sort());
  });

  it("have no empty text and the same placeholders in both languages", () => {
    for (const key of Object.keys(en) as (keyof typeof en)[]) {
      expect(es[key].trim(), key).not.toBe("");
      const names = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((match) => match[1]).sort();
      expect(names(es[key]), key).toEqual(names(en[key]));
    }
  });
});

describe("translate", () => {
  it("fills placeholders and leaves unknown ones", () => {
    expect(translate("en", "not_found.message", { path: "/x" })).toBe("There is no page at /x.");
    expect(translate("es", "user.menu", {})).toBe("Menú de la cuenta de {name}");
  });

  it("picks plural forms by count", () => {
    expect(translate("en", "common.items", { count: 1 })).toBe("1 item");
    expect(translate("en", "common.items", { count: 3 })).toBe("3 items");
    expect(translate("es", "common.items", { count: 0 })).toBe("0 elementos");
  });

  it("shows the key of a missing text", () => {
    expect(translate("es", "no.such.key")).toBe("no.such.key");
  });
});

describe("pickLanguage", () => {
  it("prefers the stored choice, then the user's, the account's and the browser's language", () => {
    expect(pickLanguage({ stored: "es", user: "en", account: "en" })).toBe("es");
    expect(pickLanguage({ stored: null, user: "es", account: "en" })).toBe("es");
    expect(pickLanguage({ user: "ru", account: "es" })).toBe("es");
    expect(pickLanguage({ user: "ru", account: "pt", browser: ["de-DE", "es-MX"] })).toBe("es");
    expect(pickLanguage({ browser: ["fr"] })).toBe("en");
  });

  it("knows only English and Spanish, whatever the tag's region", () => {
    expect(supported("ES_ar")).toBe("es");
    expect(supported("en-GB")).toBe("en");
    expect(supported("pt")).toBeNull();
    expect(supported(undefined)).toBeNull();
  });
});
