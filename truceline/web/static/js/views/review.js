// Analyst review panel: mark a record correct or wrong, edit a field, add a note; show the audit trail.
// Contract: POST /api/v1/reviews {kind, record_id, verdict, edits, note} with "Authorization: Bearer <token>";
// GET /api/v1/reviews?kind=&record_id= for the trail. The token stays in sessionStorage (this tab only).
import { ApiError, get, post } from "../api.js";
import { clear, h } from "../dom.js";

const TOKEN_KEY = "truceline.review-token";
export const REVIEW_KINDS = ["event", "quote", "mention", "incident", "claim", "contradiction", "agreement", "commitment",
  "condition"];

/** Fields an analyst may edit: the record's scalar fields, less ids and offsets. */
function editable(record) {
  return Object.entries(record)
    .filter(([k, v]) => !["id", "review", "doc_id", "agreement_id", "incident_id", "place_id"].includes(k)
      && (v === null || ["string", "number", "boolean"].includes(typeof v)))
    .map(([k]) => k);
}

function coerce(original, text) {
  if (typeof original === "number") {
    const n = Number(text);
    return Number.isFinite(n) ? n : text;
  }
  if (typeof original === "boolean") return text === "true";
  if (original === null && text === "") return null;
  return text;
}

function token() {
  try { return window.sessionStorage.getItem(TOKEN_KEY) || ""; } catch { return ""; }
}

function saveToken(value) {
  try {
    if (value) window.sessionStorage.setItem(TOKEN_KEY, value);
    else window.sessionStorage.removeItem(TOKEN_KEY);
  } catch { /* storage disabled: the token is used for this request only */ }
}

export function reviewPanel(kind, record) {
  const panel = h("section.card.review#review-panel", { dataset: { kind, record: record.id } });
  const trail = h("div.trail#review-trail");
  const status = h("p.review-status", { role: "status" });
  const current = h("div.review-current-wrap", record.review ? currentReview(record.review) : null);

  const tokenIn = h("input#review-token", { type: "password", autocomplete: "off", placeholder: "Bearer token",
    value: token(), onchange: () => saveToken(tokenIn.value.trim()) });
  const fields = editable(record);
  const fieldSel = h("select#review-field", h("option", { value: "" }, "(no edit)"),
    fields.map((f) => h("option", { value: f }, f)));
  const valueIn = h("input#review-value", { type: "text", placeholder: "new value" });
  fieldSel.addEventListener("change", () => {
    const v = record[fieldSel.value];
    valueIn.value = v === null || v === undefined ? "" : String(v);
  });
  const noteIn = h("textarea#review-note", { rows: 2, placeholder: "Note (why)" });
  let verdict = null;
  const verdictBtns = ["correct", "wrong"].map((v) => h(`button.verdict.v-${v}`, { type: "button", dataset: { verdict: v },
    "aria-pressed": "false",
    onclick: () => {
      verdict = verdict === v ? null : v;
      for (const b of verdictBtns) b.setAttribute("aria-pressed", String(b.dataset.verdict === verdict));
    } }, v === "correct" ? "✓ Correct" : "✗ Wrong"));

  const form = h("form.review-form#review-form", {
    onsubmit: async (event) => {
      event.preventDefault();
      const tok = tokenIn.value.trim();
      saveToken(tok);
      const edits = {};
      if (fieldSel.value) edits[fieldSel.value] = coerce(record[fieldSel.value], valueIn.value);
      const payload = { kind, record_id: record.id, edits, note: noteIn.value.trim() || null };
      if (verdict) payload.verdict = verdict; // omitted: an earlier verdict is kept
      if (!verdict && !Object.keys(edits).length && !payload.note) {
        status.textContent = "Choose a verdict, an edit or a note first.";
        status.className = "review-status warn";
        return;
      }
      status.textContent = "Saving…";
      status.className = "review-status";
      try {
        const saved = await post("/reviews", payload, tok);
        if (saved && saved.record && saved.record.review) clear(current).append(currentReview(saved.record.review));
        status.textContent = "Review saved.";
        status.className = "review-status ok";
        noteIn.value = "";
        await loadTrail(kind, record.id, trail);
      } catch (error) {
        status.textContent = error instanceof ApiError && error.status === 401
          ? "Not saved: the token was refused (401)." : `Not saved: ${error.message}`;
        status.className = "review-status bad";
      }
    },
  },
  h("div.review-row", h("label", "Token ", tokenIn), h("span.muted.small", " kept in this tab only (sessionStorage)")),
  h("div.review-row", h("span", "Verdict "), verdictBtns),
  h("div.review-row", h("label", "Edit field ", fieldSel), " ", h("label", "to ", valueIn)),
  h("div.review-row", noteIn),
  h("div.review-row", h("button.primary#review-submit", { type: "submit" }, "Submit review")));

  panel.append(h("h2", "Analyst review"), h("p.muted.small", `${kind} ${record.id}`), current, form, status,
    h("h3", "Audit trail"), trail);
  loadTrail(kind, record.id, trail);
  return panel;
}

/** The review laid over a record: {verdict, edited: {field: {before, after}}, by, at, note}. */
function currentReview(rv) {
  const parts = [];
  if (rv.verdict) parts.push(`marked ${rv.verdict}`);
  for (const [field, change] of Object.entries(rv.edited || {})) {
    parts.push(`${field}: ${JSON.stringify(change.before)} → ${JSON.stringify(change.after)}`);
  }
  if (rv.note) parts.push(`“${rv.note}”`);
  return h("p.review-current", "Reviewed", rv.by ? ` by ${rv.by}` : "", rv.at ? ` (${rv.at})` : "", ": ",
    parts.join("; ") || "no change");
}

/** One audit-trail row: {verdict, field, before, after, note, reviewer, created_at}. */
function describe(r) {
  const parts = [];
  if (r.verdict) parts.push(`marked ${r.verdict}`);
  if (r.field) parts.push(`${r.field}: ${JSON.stringify(r.before)} → ${JSON.stringify(r.after)}`);
  for (const [k, v] of Object.entries(r.edits || {})) parts.push(`${k} → ${JSON.stringify(v)}`);
  if (r.note) parts.push(`“${r.note}”`);
  return parts.join("; ") || "reviewed";
}

async function loadTrail(kind, recordId, el) {
  clear(el).append(h("p.muted", "Loading the audit trail…"));
  try {
    const body = await get("/reviews", { kind, record_id: recordId });
    const items = Array.isArray(body) ? body : (body.items || []);
    clear(el);
    if (!items.length) {
      el.append(h("p.muted", "No review yet."));
      return;
    }
    el.append(h("ol.trail-list", items.map((r) => h("li.trail-item",
      h("span.trail-when", r.created_at || r.at || r.time || ""), " ",
      h("strong", r.reviewer || r.analyst || r.author || "analyst"), " ",
      h("span.trail-what", describe(r))))));
  } catch (error) {
    clear(el).append(h("p.muted", error instanceof ApiError && (error.status === 404 || error.status === 405)
      ? "The review API is not available on this server." : `Could not load the audit trail: ${error.message}`));
  }
}
