// Dossier web interface: the little script the pages use (served from
// /static/, no inline script anywhere, so the Content-Security-Policy can
// forbid it). Pages work without it except the drag-and-drop upload.
"use strict";

(function () {
  // problemText is what a refused upload's problem+json says: its detail
  // and each refused field's message (a SHA-256 mismatch names the digest
  // the server received, after a word in the page's language). The server
  // writes both in the page's language for the pages' own requests; each
  // field is named by its label on the form (box, ids prefix + field).
  function problemText(xhr, msg, box, prefix) {
    function label(field) {
      // The field name is the server's: escaped, so a quote in it cannot
      // break the selector and lose the whole message.
      var id = prefix + field.replace(/_/g, "-"), l = null;
      try {
        l = box.querySelector('label[for="' + (window.CSS && CSS.escape ? CSS.escape(id) : id) + '"]');
      } catch (e) { l = null; }
      return box.getAttribute("data-label-" + field) || (l ? l.textContent.trim() : field);
    }
    // Full-width in Chinese text, as the page gives them.
    var colon = box.getAttribute("data-msg-colon") || ": ";
    var semicolon = box.getAttribute("data-msg-semicolon") || "; ";
    var detail = "";
    try {
      var p = JSON.parse(xhr.responseText);
      detail = p.detail || "";
      // The server never says more than "internal error" (in English):
      // the page says it in its language, with the request's ID for the
      // administrator's log.
      if (xhr.status >= 500 && detail === "internal error") {
        detail = msg("internal").replace("%s", p.request_id || "");
      }
      (p.errors || []).forEach(function (fe) {
        if (fe.field === "sha256") { detail = msg("sha256bad") + " — " + detail; }
        detail += (detail ? semicolon : "") + label(fe.field) + colon + fe.message;
      });
    } catch (e) { detail = ""; }
    return detail;
  }

  // failedText is a refused request's line: the problem's own words when
  // it has some (a status number tells a lawyer nothing the words do not).
  // Without them: a proxy's own 413 page (nginx's default body limit) means
  // the file is too large; no answer at all (status 0: the connection
  // broke) leaves open whether the file was stored, which the line says;
  // anything else (a proxy's 502) gives the bare status.
  function failedText(xhr, detail, msg, box) {
    if (detail) { return msg("failed-because") + detail; }
    if (xhr.status === 413) { return msg("failed-because") + msg("too-large"); }
    if (!xhr.status) { return msg("failed-because") + msg("unanswered"); }
    // The brackets are the page's: full-width in Chinese.
    var st = box.getAttribute("data-msg-status") || " (%s)";
    return msg("failed") + st.replace("%s", xhr.status);
  }

  function pad2(n) { return (n < 10 ? "0" : "") + n; }

  // zoneOffset is the offset from UTC, in minutes, of the zone named tz at
  // the instant ms; fallback when the browser does not know the name.
  function zoneOffset(ms, tz, fallback) {
    if (!tz || !window.Intl) { return fallback; }
    try {
      var p = {};
      new Intl.DateTimeFormat("en-US", { timeZone: tz, hourCycle: "h23", year: "numeric", month: "2-digit",
        day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit" })
        .formatToParts(new Date(ms)).forEach(function (x) { p[x.type] = x.value; });
      var wall = Date.UTC(+p.year, +p.month - 1, +p.day, +p.hour % 24, +p.minute, +p.second);
      return Math.round((wall - ms) / 60000);
    } catch (e) { return fallback; }
  }

  // rfc3339 turns a datetime-local value ("2026-03-01T10:30") into the RFC
  // 3339 time the evidence API takes, read in the business time zone
  // (DOSSIER_TZ) as the server reads the communication form's times, not
  // in the browser's own zone. Anything else is sent as typed, for the
  // server to refuse by the field's name.
  function rfc3339(local, tz, fallback) {
    var m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(local);
    if (!m) { return local; }
    var wall = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +(m[6] || 0));
    // The offset at the wall time read as UTC, then at the instant that
    // gives: right on both sides of a daylight-saving change.
    var off = zoneOffset(wall, tz, fallback);
    off = zoneOffset(wall - off * 60000, tz, fallback);
    var a = Math.abs(off);
    return local + (m[6] ? "" : ":00") + (off < 0 ? "-" : "+") + pad2(Math.floor(a / 60)) + ":" + pad2(a % 60);
  }

  // Evidence upload: every file is its own multipart POST to the JSON API
  // with a per-file progress bar (XMLHttpRequest upload.onprogress). The
  // session cookie authenticates it; the X-CSRF-Token header proves the
  // request came from this page.
  function initUpload(box) {
    var url = box.getAttribute("data-upload");
    var csrf = box.getAttribute("data-csrf");
    var max = parseInt(box.getAttribute("data-max") || "0", 10);
    var list = box.querySelector("#uploads");
    var input = box.querySelector("#up-files");
    var zone = box.querySelector("#dropzone");
    var status = box.querySelector("#upload-status");
    var kind = box.querySelector("#up-kind");
    var title = box.querySelector("#up-title");
    var digest = box.querySelector("#up-sha256");
    var occurred = box.querySelector("#up-occurred-at");
    var source = box.querySelector("#up-source");
    var description = box.querySelector("#up-description");
    var tz = box.getAttribute("data-tz") || "";
    var tzOffset = parseInt(box.getAttribute("data-tz-offset") || "0", 10);
    var pending = 0, failed = 0, queue = [], running = 0;

    function msg(name) { return box.getAttribute("data-msg-" + name) || name; }

    function row(file) {
      var li = document.createElement("li");
      var name = document.createElement("span");
      name.textContent = file.name;
      var bar = document.createElement("progress");
      bar.max = 100; bar.value = 0;
      bar.setAttribute("aria-label", file.name);
      var state = document.createElement("span");
      state.textContent = "0%";
      li.appendChild(name); li.appendChild(bar); li.appendChild(state);
      list.appendChild(li);
      return { li: li, bar: bar, state: state };
    }

    function finish() {
      pending--;
      running--;
      next();
      if (pending === 0) {
        // The bars stay so the outcome of each file can be read; a link
        // reloads the page to show the new rows in the evidence table.
        status.textContent = msg("all") + " ";
        var a = document.createElement("a");
        a.href = window.location.pathname + "#evidence";
        a.id = "upload-refresh";
        a.textContent = msg("refresh");
        a.addEventListener("click", function (ev) { ev.preventDefault(); window.location.reload(); });
        status.appendChild(a);
        box.setAttribute("data-finished", failed === 0 ? "ok" : "failed");
        // The date, source and description were this batch's: cleared
        // once all of it is stored, so they cannot describe the next file
        // (a receipt's "signed for" on a letter that was not); kept after a
        // failure, to send again.
        if (failed === 0) {
          [occurred, source, description].forEach(function (el) { if (el) { el.value = ""; } });
        }
      }
    }

    function send(file, ui, sha) {
      var fd = new FormData();
      fd.append("kind", kind.value);
      var t = title.value.trim();
      fd.append("title", t ? (queue.total > 1 ? t + " — " + file.name : t) : file.name);
      var tr = box.querySelector("#up-transcript");
      if (tr && tr.value.trim() && /^audio\//.test(file.type || "")) {
        fd.append("transcript", tr.value.trim());
      }
      // The item's date (in DOSSIER_TZ), where it came from and what it
      // shows: a receipt described as signed for proves a demand served.
      if (occurred && occurred.value) { fd.append("occurred_at", rfc3339(occurred.value, tz, tzOffset)); }
      if (source && source.value.trim()) { fd.append("source", source.value.trim()); }
      if (description && description.value.trim()) { fd.append("description", description.value.trim()); }
      // A declared digest goes before the file, so the server checks the
      // bytes as they arrive and stores nothing that does not match.
      if (sha) { fd.append("sha256", sha); }
      fd.append("file", file, file.name);
      var xhr = new XMLHttpRequest();
      xhr.open("POST", url);
      xhr.setRequestHeader("X-CSRF-Token", csrf);
      xhr.setRequestHeader("Accept", "application/json");
      xhr.upload.onprogress = function (ev) {
        if (ev.lengthComputable) {
          var p = Math.round(ev.loaded * 100 / ev.total);
          ui.bar.value = p;
          ui.state.textContent = p + "%";
        }
      };
      xhr.onload = function () {
        if (xhr.status === 201 || xhr.status === 200) {
          ui.bar.value = 100;
          ui.state.textContent = xhr.status === 201 ? msg("done") : msg("dup");
          ui.state.className = "done";
          ui.li.setAttribute("data-state", "done");
        } else {
          var detail = problemText(xhr, msg, box, "up-");
          ui.state.textContent = failedText(xhr, detail, msg, box);
          ui.state.className = "failed";
          ui.li.setAttribute("data-state", "failed");
          failed++;
        }
        finish();
      };
      // No answer: the connection broke, or the request was cut short.
      xhr.onerror = xhr.onabort = xhr.ontimeout = function () {
        ui.state.textContent = failedText(xhr, "", msg, box);
        ui.state.className = "failed";
        ui.li.setAttribute("data-state", "failed");
        failed++;
        finish();
      };
      xhr.send(fd);
    }

    // At most two uploads at a time: a tablet on a slow line keeps every
    // bar moving instead of starving all of them.
    function next() {
      while (running < 2 && queue.length > 0) {
        var job = queue.shift();
        running++;
        send(job.file, job.ui, job.sha);
      }
    }

    function add(files) {
      var sha = digest ? digest.value.trim() : "";
      if (sha && files.length > 1) {
        status.textContent = msg("sha256many");
        return;
      }
      if (digest) { digest.value = ""; } // it belongs to this file only
      if (pending === 0) { failed = 0; } // a new batch: its own outcome
      queue.total = files.length;
      for (var i = 0; i < files.length; i++) {
        var f = files[i];
        var ui = row(f);
        if (max > 0 && f.size > max) {
          ui.state.textContent = msg("failed-because") + msg("too-large");
          ui.state.className = "failed";
          failed++;
          continue;
        }
        pending++;
        queue.push({ file: f, ui: ui, sha: sha });
      }
      box.setAttribute("data-finished", "");
      next();
    }

    input.addEventListener("change", function () { add(input.files); input.value = ""; });
    ["dragenter", "dragover"].forEach(function (t) {
      zone.addEventListener(t, function (ev) { ev.preventDefault(); zone.classList.add("over"); });
    });
    ["dragleave", "drop"].forEach(function (t) {
      zone.addEventListener(t, function (ev) { ev.preventDefault(); zone.classList.remove("over"); });
    });
    zone.addEventListener("drop", function (ev) {
      if (ev.dataTransfer && ev.dataTransfer.files) { add(ev.dataTransfer.files); }
    });
  }

  // Forms marked data-confirm ask before an irreversible step.
  function initConfirm(form) {
    form.addEventListener("submit", function (ev) {
      if (!window.confirm(form.getAttribute("data-confirm"))) { ev.preventDefault(); }
    });
  }

  // Bundle builder: move rows up and down; the order is the exhibit order.
  function initOrder(table) {
    table.addEventListener("click", function (ev) {
      var b = ev.target.closest("button[data-move]");
      if (!b) { return; }
      ev.preventDefault();
      var tr = b.closest("tr");
      if (b.getAttribute("data-move") === "up" && tr.previousElementSibling) {
        tr.parentNode.insertBefore(tr, tr.previousElementSibling);
      } else if (b.getAttribute("data-move") === "down" && tr.nextElementSibling) {
        tr.parentNode.insertBefore(tr.nextElementSibling, tr);
      }
      var rows = table.querySelectorAll("tbody tr");
      for (var i = 0; i < rows.length; i++) {
        var o = rows[i].querySelector("input[data-order]");
        if (o) { o.value = String(i + 1); }
      }
      b.focus();
    });
  }

  // A new version of an evidence item: one file to the versions API, with
  // a progress bar; the page reloads to list it.
  function initVersion(box) {
    var input = box.querySelector("input[type=file]");
    var digest = box.querySelector("input[name=sha256]");
    var bar = box.querySelector("progress");
    var status = box.querySelector("[role=status]");
    function msg(name) { return box.getAttribute("data-msg-" + name) || name; }
    input.addEventListener("change", function () {
      if (!input.files.length) { return; }
      var fd = new FormData();
      if (digest && digest.value.trim()) { fd.append("sha256", digest.value.trim()); }
      fd.append("file", input.files[0], input.files[0].name);
      input.value = ""; // so the same file can be chosen again after a refusal
      var xhr = new XMLHttpRequest();
      xhr.open("POST", box.getAttribute("data-version-upload"));
      xhr.setRequestHeader("X-CSRF-Token", box.getAttribute("data-csrf"));
      xhr.setRequestHeader("Accept", "application/json");
      bar.hidden = false;
      xhr.upload.onprogress = function (ev) {
        if (ev.lengthComputable) { bar.value = Math.round(ev.loaded * 100 / ev.total); }
      };
      xhr.onload = function () {
        if (xhr.status === 201) {
          status.textContent = msg("done");
          window.location.reload();
        } else if (xhr.status === 200) {
          status.textContent = msg("same");
        } else {
          var detail = problemText(xhr, msg, box, "ver-");
          status.textContent = failedText(xhr, detail, msg, box);
        }
      };
      xhr.onerror = xhr.onabort = xhr.ontimeout = function () { status.textContent = failedText(xhr, "", msg, box); };
      xhr.send(fd);
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-version-upload]").forEach(initVersion);
    document.querySelectorAll("[data-upload]").forEach(initUpload);
    document.querySelectorAll("form[data-confirm]").forEach(initConfirm);
    document.querySelectorAll("table[data-order]").forEach(initOrder);
  });
})();
