#!/usr/bin/env node
// A one-shot WooCommerce -> NetSuite connector in Node.js, written the way a store's developer
// writes one: read one order (REST v3 JSON) from a file or stdin, upsert its customer and its
// Sales Order over SuiteTalk REST, signed with token-based authentication (OAuth 1.0a,
// HMAC-SHA256). Nothing here knows about any test harness.
//
//   node push_once.js [ORDER.json]
//
// Settings: NETSUITE_ACCOUNT, NETSUITE_CONSUMER_KEY/SECRET, NETSUITE_TOKEN_ID/SECRET and
// NETSUITE_BASE_URL (optional). Mapping: settings.json beside this file. Prints
// {"ok": true, "salesOrder": "<id>"}; exits 2 when the order cannot be mapped, 3 when
// NetSuite refuses it. CONNECTOR_BUGS switches on classic mistakes:
//   ack-only   say ok and never write anything
//   fixed-tax  use one hard-coded tax code whatever WooCommerce charged

"use strict";
const crypto = require("crypto");
const fs = require("fs");
const path = require("path");

const settings = JSON.parse(fs.readFileSync(path.join(__dirname, "settings.json"), "utf8"));
const bugs = new Set((process.env.CONNECTOR_BUGS || "").split(",").filter(Boolean));
const env = process.env;
const account = env.NETSUITE_ACCOUNT;
const baseUrl = (env.NETSUITE_BASE_URL ||
  `https://${account.toLowerCase().replace(/_/g, "-")}.suitetalk.api.netsuite.com`).replace(/\/$/, "");

class CannotMap extends Error {}
class Refused extends Error {}

// RFC 3986 percent-encoding, as OAuth 1.0a (RFC 5849 3.6) requires.
const enc = (s) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => "%" + c.charCodeAt(0).toString(16).toUpperCase());

function authorization(method, url) {
  const u = new URL(url);
  const oauth = {
    oauth_consumer_key: env.NETSUITE_CONSUMER_KEY,
    oauth_token: env.NETSUITE_TOKEN_ID,
    oauth_signature_method: "HMAC-SHA256",
    oauth_timestamp: String(Math.floor(Date.now() / 1000)),
    oauth_nonce: crypto.randomBytes(16).toString("hex"),
    oauth_version: "1.0",
  };
  const params = [...Object.entries(oauth), ...u.searchParams.entries()]
    .map(([k, v]) => [enc(k), enc(v)])
    .sort((a, b) => (a[0] === b[0] ? (a[1] < b[1] ? -1 : 1) : a[0] < b[0] ? -1 : 1))
    .map(([k, v]) => `${k}=${v}`)
    .join("&");
  const base = [method, enc(`${u.protocol}//${u.host}${u.pathname}`), enc(params)].join("&");
  const key = `${enc(env.NETSUITE_CONSUMER_SECRET)}&${enc(env.NETSUITE_TOKEN_SECRET)}`;
  const signature = crypto.createHmac("sha256", key).update(base).digest("base64");
  const fields = { realm: account, ...oauth, oauth_signature: signature };
  return "OAuth " + Object.entries(fields).map(([k, v]) => `${k}="${enc(v)}"`).join(", ");
}

async function call(method, pathAndQuery, body, extra = {}) {
  const url = baseUrl + pathAndQuery;
  const headers = { Authorization: authorization(method, url), ...extra };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const answer = await fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await answer.text();
  if (!answer.ok) {
    let detail = text;
    try { detail = JSON.parse(text)["o:errorDetails"][0].detail; } catch (_) { /* not JSON */ }
    throw new Refused(`${method} ${pathAndQuery} -> ${answer.status}: ${detail}`);
  }
  return { answer, json: text ? JSON.parse(text) : null };
}

const text = (s) => `'${String(s).replace(/'/g, "''")}'`;
const cache = new Map();
async function lookup(table, name, column = "itemid") {
  const key = `${table}:${name}`;
  if (!cache.has(key)) {
    const { json } = await call("POST", "/services/rest/query/v1/suiteql?limit=1000&offset=0",
      { q: `SELECT id FROM ${table} WHERE ${column} = ${text(name)}` }, { Prefer: "transient" });
    cache.set(key, json.items.length ? String(json.items[0].id) : null);
  }
  return cache.get(key);
}

async function upsert(type, externalId, body) {
  const { answer } = await call("PUT", `/services/rest/record/v1/${type}/eid:${encodeURIComponent(externalId)}`, body);
  const location = answer.headers.get("location");
  return location ? location.replace(/\/$/, "").split("/").pop() : null;
}

const amount = (v) => Number(v);
function address(part) {
  const person = `${part.first_name || ""} ${part.last_name || ""}`.trim();
  const fields = { addressee: part.company || person, attention: part.company ? person : null,
    addr1: part.address_1, addr2: part.address_2, city: part.city, state: part.state,
    zip: part.postcode, country: part.country };
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v));
}

async function taxCode(rateCode) {
  let name = settings.hard_coded_tax_code;
  if (!bugs.has("fixed-tax")) {
    const parts = rateCode.split("-");
    const key = /^\d+$/.test(parts[parts.length - 1]) ? parts.slice(0, -1).join("-") : rateCode;
    name = settings.tax_codes[key];
    if (!name) throw new CannotMap(`WooCommerce tax rate ${rateCode} has no NetSuite tax code`);
  }
  const id = await lookup("salestaxitem", name);
  if (!id) throw new CannotMap(`tax code '${name}' does not exist in NetSuite`);
  return id;
}

async function customer(order, subsidiary, currency) {
  const billing = order.billing || {};
  const email = (billing.email || "").trim().toLowerCase();
  if (!email) throw new CannotMap("the order has no billing email");
  const { json } = await call("POST", "/services/rest/query/v1/suiteql?limit=1000&offset=0",
    { q: `SELECT id FROM customer WHERE LOWER(email) = ${text(email)} AND isinactive = 'F' ORDER BY id` },
    { Prefer: "transient" });
  if (json.items.length > 1) throw new CannotMap(`${json.items.length} customers have the email ${email}`);
  if (json.items.length) return String(json.items[0].id);
  const externalId = order.customer_id ? `woo-customer-${order.customer_id}`
    : "woo-guest-" + crypto.createHash("sha256").update(email).digest("hex").slice(0, 16);
  const company = (billing.company || "").trim();
  const body = { externalId, isPerson: !company, email, subsidiary: { id: subsidiary },
    currency: { id: currency },
    addressBook: { items: [{ defaultBilling: true, defaultShipping: true, addressBookAddress: address(billing) }] } };
  if (billing.phone) body.phone = billing.phone;
  if (company) body.companyName = company;
  else Object.assign(body, { firstName: billing.first_name || "-", lastName: billing.last_name || "-" });
  return upsert("customer", externalId, body);
}

async function push(order) {
  if (!settings.sync_statuses.includes(order.status)) return { ok: true, skipped: order.status };
  if (bugs.has("ack-only")) return { ok: true, queued: order.id };
  const subsidiary = settings.subsidiaries[order.currency] || settings.default_subsidiary;
  const currency = await lookup("currency", order.currency, "symbol");
  const ref = order.number || String(order.id);
  const codes = {};
  for (const t of order.tax_lines || []) codes[t.rate_id] = await taxCode(t.rate_code);
  const lines = [];
  for (const line of order.line_items || []) {
    const item = line.sku ? await lookup("item", line.sku.trim()) : null;
    if (!item) throw new CannotMap(`SKU ${line.sku || "(none)"} of '${line.name}' has no NetSuite item`);
    const taxed = (line.taxes || []).filter((t) => amount(t.total)).length > 0;
    lines.push({ item: { id: item }, quantity: line.quantity,
      rate: Number((amount(line.subtotal) / line.quantity).toFixed(8)), price: { id: "-1" },
      description: line.name || "", isTaxable: taxed });
  }
  const body = { externalId: `woo-${ref}`, otherRefNum: ref, subsidiary: { id: subsidiary },
    currency: { id: currency }, billingAddress: address(order.billing || {}),
    shippingAddress: address(order.shipping || {}), orderStatus: "B", item: { items: lines } };
  if (order.date_created) body.tranDate = order.date_created.slice(0, 10);
  const used = [...new Set(Object.values(codes))];
  if (used.length > 1) throw new CannotMap(`the order has ${used.length} tax rates; one is allowed`);
  if (used.length) body.taxItem = { id: used[0] };
  else { body.taxItem = { id: await lookup("salestaxitem", settings.exempt_tax_code) }; body.isTaxable = false; }
  const shipping = (order.shipping_lines || [])[0];
  if (shipping) {
    const name = settings.shipping_methods[shipping.method_id];
    if (!name) throw new CannotMap(`shipping method ${shipping.method_id} is not mapped`);
    body.shipMethod = { id: await lookup("shipitem", name) };
    body.shippingCost = amount(order.shipping_total);
    const taxed = (shipping.taxes || []).find((t) => amount(t.total) && codes[t.id]);
    if (taxed) body.shippingTaxCode = { id: codes[taxed.id] };
  }
  if (amount(order.discount_total)) {
    body.discountItem = { id: await lookup("item", settings.discount_item) };
    body.discountRate = -amount(order.discount_total);
  }
  body.entity = { id: await customer(order, subsidiary, currency) };
  return { ok: true, salesOrder: await upsert("salesOrder", body.externalId, body) };
}

async function main() {
  const raw = fs.readFileSync(process.argv[2] || 0, "utf8");
  try {
    console.log(JSON.stringify(await push(JSON.parse(raw))));
  } catch (error) {
    if (error instanceof CannotMap) { console.error(`cannot map the order: ${error.message}`); process.exit(2); }
    if (error instanceof Refused) { console.error(`NetSuite refused: ${error.message}`); process.exit(3); }
    throw error;
  }
}

main();
