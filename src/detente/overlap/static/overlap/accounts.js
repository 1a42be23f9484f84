/* detente customer overlap: reading and normalising a side's list in the browser, exactly
   as detente.analysis.overlap.accounts does in Python (the legal forms and kind words come
   from the page, from the same Python lists, so both sides build the same keys). */
(function (root) {
  "use strict";
  var KINDS = ["customer", "opportunity", "prospect"];
  var DOMAIN = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)+$/;
  var MAX_FIELD = 300;

  function escape(text) { return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"); }

  function make(config) {
    var suffix = new RegExp("(?:\\s+(?:" + config.suffixes.map(escape).join("|") + "))+$");

    function normaliseName(name) {
      var text = name.normalize("NFKD").replace(/[^\x00-\x7f]/g, "").toLowerCase();
      text = text.split("&").join(" and ");
      text = text.replace(/[^a-z0-9]+/g, " ").trim();
      var stripped = text.replace(suffix, "").trim();
      return stripped || text;
    }

    function normaliseDomain(domain) {
      var text = domain.trim().toLowerCase();
      text = text.replace(/^[a-z][a-z0-9+.-]*:\/\//, "");
      text = text.split("/")[0].split("?")[0].split("#")[0];
      var at = text.split("@");
      text = at[at.length - 1].split(":")[0].replace(/\.+$/, "");
      if (text.indexOf("www.") === 0) text = text.slice(4);
      return text;
    }

    function key(account) {
      var domain = normaliseDomain(account.domain);
      return domain ? "d:" + domain : "n:" + normaliseName(account.name);
    }

    function kindOf(text) {
      var word = text.trim().toLowerCase().replace(/[\s_-]+/g, " ");
      return Object.prototype.hasOwnProperty.call(config.kinds, word) ? config.kinds[word] : null;
    }

    function parseCsv(text) {
      var rows = [], row = [], cell = "", quoted = false, i = 0;
      text = text.replace(/^\ufeff/, "");
      for (; i < text.length; i++) {
        var c = text[i];
        if (quoted) {
          if (c === '"' && text[i + 1] === '"') { cell += '"'; i++; }
          else if (c === '"') quoted = false;
          else cell += c;
        } else if (c === '"') quoted = true;
        else if (c === ",") { row.push(cell); cell = ""; }
        else if (c === "\n" || c === "\r") {
          if (c === "\r" && text[i + 1] === "\n") i++;
          row.push(cell); rows.push(row); row = []; cell = "";
        } else cell += c;
      }
      if (cell !== "" || row.length) { row.push(cell); rows.push(row); }
      return rows;
    }

    function problem(where, what) { var e = new Error(where + ": " + what); e.where = where; return e; }

    function read(text, limit) {
      var rows = parseCsv(text);
      if (!rows.length) throw problem("the file", "it is empty: give a header row name,domain,kind");
      var header = rows[0].map(function (h) { return h.trim().toLowerCase(); });
      if (header.indexOf("name") < 0) throw problem("row 1", "the header needs a 'name' column");
      var col = {};
      ["name", "domain", "kind"].forEach(function (n) { if (header.indexOf(n) >= 0) col[n] = header.indexOf(n); });
      var accounts = [];
      for (var r = 1; r < rows.length; r++) {
        var line = r + 1, cells = {};
        if (!rows[r].some(function (c) { return c.trim(); })) continue;
        Object.keys(col).forEach(function (n) { cells[n] = (rows[r][col[n]] || "").trim(); });
        var name = cells.name || "", domain = cells.domain || "", kindText = cells.kind || "";
        if (name.length > MAX_FIELD) throw problem("row " + line + ", column name", "longer than " + MAX_FIELD + " characters");
        if (domain.length > MAX_FIELD) throw problem("row " + line + ", column domain", "longer than " + MAX_FIELD + " characters");
        if (!name && !domain) throw problem("row " + line + ", column name", "empty: give a name or a domain");
        if (domain && !DOMAIN.test(normaliseDomain(domain))) throw problem("row " + line + ", column domain", "'" + domain + "' is not a domain like acme.com");
        if (name && !domain && !normaliseName(name)) throw problem("row " + line + ", column name", "'" + name + "' has no letters or digits");
        var kind = kindText ? kindOf(kindText) : "customer";
        if (!kind) throw problem("row " + line + ", column kind", "'" + kindText + "' is not one of customer, opportunity, prospect");
        accounts.push({ name: name || domain, domain: domain, kind: kind });
        if (limit && accounts.length > limit) throw problem("row " + line, "more than " + limit + " accounts: split the list");
      }
      if (!accounts.length) throw problem("the file", "it has a header but no accounts");
      return accounts;
    }

    function kindSets(accounts) {
      var best = {};
      accounts.forEach(function (a) {
        var k = key(a);
        if (!(k in best) || KINDS.indexOf(a.kind) < KINDS.indexOf(best[k])) best[k] = a.kind;
      });
      var sets = { customer: [], opportunity: [], prospect: [] };
      Object.keys(best).forEach(function (k) { sets[best[k]].push(k); });
      KINDS.forEach(function (kind) { sets[kind].sort(); });
      return sets;
    }

    function namesByKey(accounts) {
      var names = {};
      accounts.forEach(function (a) { var k = key(a); if (!(k in names)) names[k] = a.name; });
      return names;
    }

    return { read: read, kindSets: kindSets, namesByKey: namesByKey, key: key,
             normaliseName: normaliseName, normaliseDomain: normaliseDomain };
  }

  var api = { KINDS: KINDS, make: make };
  if (typeof module !== "undefined" && module.exports) module.exports = api;
  else root.DetenteOverlapAccounts = api;
})(this);
