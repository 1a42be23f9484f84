/* detente customer overlap, the browser side. The chosen list is read, normalised and
   blinded here (the blinding in a Web Worker running @openmined/psi.js); only blinded
   messages and, at the end, counts are sent to the site. The secret key of a run asked
   from this browser stays in this browser's storage; the list of shared accounts of a run
   both sides agreed to reveal is shown on this page and never sent. */
(function () {
  "use strict";
  var box = document.getElementById("overlap-browser");
  var configNode = document.getElementById("overlap-config");
  if (!box || !configNode || !window.DetenteOverlapAccounts) return;
  var reader = window.DetenteOverlapAccounts.make(JSON.parse(configNode.textContent));
  var status = document.getElementById("overlap-status");
  var limit = Number(box.dataset.max);

  function say(text) { status.textContent = text; }

  function csrf(form) { return form.querySelector("input[name=csrfmiddlewaretoken]").value; }

  function storageKey(runId) { return "detente-overlap-" + box.dataset.alliance + "-" + runId; }

  function work(message) {
    return new Promise(function (resolve, reject) {
      var worker = new Worker(box.dataset.worker);
      worker.onmessage = function (event) {
        worker.terminate();
        if (event.data.ok) resolve(event.data.result); else reject(new Error(event.data.error));
      };
      worker.onerror = function (event) { worker.terminate(); reject(new Error(event.message || "the worker failed")); };
      worker.postMessage(message);
    });
  }

  function readList(form) {
    var file = form.querySelector("input[type=file]").files[0];
    if (!file) return Promise.reject(new Error("choose your list (a CSV file) first"));
    return file.text().then(function (text) {
      var accounts = reader.read(text, limit);
      return { accounts: accounts, sets: reader.kindSets(accounts) };
    });
  }

  function send(url, form, body) {
    return fetch(url, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf(form) },
      body: JSON.stringify(body)
    }).then(function (response) {
      return response.json().then(function (data) {
        if (!response.ok) {
          var e = (data.errors || [{ field: "", message: "refused (" + response.status + ")" }])[0];
          throw new Error((e.field ? e.field + ": " : "") + e.message);
        }
        return data;
      });
    });
  }

  function fetchJson(url) {
    return fetch(url, { credentials: "same-origin" }).then(function (r) {
      if (!r.ok) throw new Error("the site answered " + r.status);
      return r.json();
    });
  }

  function failed(error) { say("Not done: " + error.message); }

  function showShared(shared, names) {
    var out = document.getElementById("overlap-shared");
    out.replaceChildren();
    var any = false;
    window.DetenteOverlapAccounts.KINDS.forEach(function (mine) {
      window.DetenteOverlapAccounts.KINDS.forEach(function (theirs) {
        var keys = shared[mine][theirs];
        if (!keys.length) return;
        any = true;
        var h = document.createElement("h3");
        h.textContent = "Your " + mine + "s that are their " + theirs + "s (" + keys.length + ")";
        var ul = document.createElement("ul");
        keys.map(function (k) { return names[k] || k; }).sort().forEach(function (name) {
          var li = document.createElement("li");
          li.textContent = name;
          ul.appendChild(li);
        });
        out.append(h, ul);
      });
    });
    if (!any) out.textContent = "No shared account.";
    out.hidden = false;
  }

  var ask = document.getElementById("overlap-ask");
  if (ask) ask.addEventListener("submit", function (event) {
    event.preventDefault();
    var reveal = ask.querySelector("input[name=reveal]").checked;
    say("Reading and blinding your list in this browser…");
    readList(ask).then(function (list) {
      return work({ step: "prepare", sets: list.sets, reveal: reveal });
    }).then(function (prepared) {
      say("Sending the blinded list…");
      return send(box.dataset.start, ask, { request: prepared.request }).then(function (run) {
        localStorage.setItem(storageKey(run.id), prepared.secret);
        say("Asked. The other side answers next.");
        window.location.assign(run.url);
      });
    }).catch(failed);
  });

  var answer = document.getElementById("overlap-answer");
  if (answer) answer.addEventListener("submit", function (event) {
    event.preventDefault();
    say("Reading and blinding your list in this browser…");
    Promise.all([readList(answer), fetchJson(box.dataset.request)]).then(function (got) {
      return work({ step: "respond", sets: got[0].sets, request: got[1], reveal: box.dataset.mode === "list" });
    }).then(function (reply) {
      say("Sending the answer…");
      return send(box.dataset.answer, answer, { reply: reply });
    }).then(function () { window.location.reload(); }).catch(failed);
  });

  var result = document.getElementById("overlap-finish");
  if (result) result.addEventListener("submit", function (event) {
    event.preventDefault();
    var secret = localStorage.getItem(storageKey(box.dataset.run));
    if (!secret) {
      say("This browser does not hold the key of this run: finish it where it was asked from.");
      return;
    }
    var list;
    say("Computing the result in this browser…");
    Promise.all([readList(result), fetchJson(box.dataset.reply)]).then(function (got) {
      list = got[0];
      return work({ step: "finish", secret: secret, sets: list.sets, reply: got[1] });
    }).then(function (outcome) {
      if (outcome.shared) showShared(outcome.shared, reader.namesByKey(list.accounts));
      if (box.dataset.post !== "yes") { say("Shown below, on this page only."); return null; }
      say("Sending the counts…");
      return send(box.dataset.result, result, { counts: outcome.counts }).then(function () {
        say(outcome.shared ? "Counts sent. Your shared accounts are below, on this page only."
                           : "Counts sent.");
        if (!outcome.shared) window.location.reload();
      });
    }).catch(failed);
  });
})();
