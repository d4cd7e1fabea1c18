// Links between views, shared by several pages.
import { all } from "../api.js";

let commitmentAgreement = null;

/** Map commitment id -> agreement id (fetched once). */
export async function commitmentIndex() {
  commitmentAgreement = commitmentAgreement
    || all("/commitments").then((items) => new Map(items.map((c) => [c.id, c.agreement_id])));
  return commitmentAgreement;
}

/** The page for a record reference such as "agreement:agr-1" or "incident:inc-2". */
export function recordHref(ref, commitments) {
  const [kind, ...rest] = String(ref).split(":");
  const id = rest.join(":");
  switch (kind) {
    case "agreement": return `#/agreement/${encodeURIComponent(id)}`;
    case "commitment": {
      const agr = commitments && commitments.get(id);
      return agr ? `#/agreement/${encodeURIComponent(agr)}?commitment=${encodeURIComponent(id)}` : "#/agreements";
    }
    case "incident": return `#/claims?incident=${encodeURIComponent(id)}`;
    case "contradiction": return `#/claims?contradiction=${encodeURIComponent(id)}`;
    case "condition": return `#/condition/${encodeURIComponent(id)}`;
    default: return null;
  }
}

export const TIMELINE_KINDS = ["proposal", "agreement", "ceasefire", "status", "deadline", "incident", "accusation",
  "threat", "contradiction", "condition", "trigger"];

export const KIND_COLOURS = {
  proposal: "#6a4c93", agreement: "#1b7f5b", ceasefire: "#2a9d8f", status: "#52606d", deadline: "#e09f1f",
  incident: "#c0392b", accusation: "#d35400", threat: "#8e1b3a", contradiction: "#b7791f",
  condition: "#3d5a80", trigger: "#9b2226",
};

/** Parse an ISO-ish date ("2020", "2020-10", "2020-10-30"), or null for XXXX and the like. */
export function parseDate(value) {
  if (!value) return null;
  const m = /^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?/.exec(value);
  if (!m) return null;
  return new Date(Date.UTC(+m[1], m[2] ? +m[2] - 1 : 0, m[3] ? +m[3] : 1));
}
