// Live timeline: ask the API what is new or changed since the page was rendered, and put
// those events in place without a reload (rows come pre-rendered from the server, so the
// markup lives in one template).
(function () {
  "use strict";
  var list = document.getElementById("events");
  if (!list || list.dataset.live !== "1") return;
  var cursor = list.dataset.cursor || new Date().toISOString();
  var query = list.dataset.query;
  var pollMs = Math.max(250, parseFloat(list.dataset.pollS || "10") * 1000);
  var status = document.getElementById("live-status");
  var total = document.getElementById("event-total");

  function apiUrl() {
    var params = new URLSearchParams(query);
    params.set("since", cursor);
    params.set("limit", "200");
    return list.dataset.apiUrl + "?" + params.toString();
  }

  function sortKey(row) {
    // Newest event date first; undated events last; then newest id first.
    var day = row.dataset.date || "0000-00-00";
    return day + "#" + String(row.dataset.eventId).padStart(12, "0");
  }

  function place(row) {
    var key = sortKey(row);
    var rows = list.querySelectorAll("li.event");
    for (var i = 0; i < rows.length; i++) {
      if (rows[i] !== row && sortKey(rows[i]) < key) { list.insertBefore(row, rows[i]); return; }
    }
    list.appendChild(row);
  }

  function show(eventId) {
    return fetch(list.dataset.rowUrl + eventId + "/row", {headers: {"Accept": "text/html"}})
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) {
        if (!html) return;
        var holder = document.createElement("ol");
        holder.innerHTML = html.trim();
        var row = holder.firstElementChild;
        var old = list.querySelector('li.event[data-event-id="' + eventId + '"]');
        if (old) {
          old.classList.remove("fresh");
          if (old.outerHTML === row.outerHTML) return;  // seen again, unchanged
          old.remove();
        } else if (total) {
          total.textContent = String(parseInt(total.textContent, 10) + 1);
        }
        row.classList.add("fresh");
        place(row);
        var empty = document.getElementById("no-events");
        if (empty) empty.remove();
      });
  }

  function poll() {
    fetch(apiUrl(), {headers: {"Accept": "application/json"}})
      .then(function (response) { if (!response.ok) throw new Error(response.status); return response.json(); })
      .then(function (page) {
        var shown = page.items.map(function (item) { return show(item.id); });
        return Promise.all(shown).then(function () {
          if (page.cursor) cursor = page.cursor;
          if (status) status.textContent = page.items.length ? "updated " + new Date().toLocaleTimeString() : "";
        });
      })
      .catch(function () { if (status) status.textContent = "offline, retrying…"; })
      .then(function () { window.setTimeout(poll, pollMs); });
  }

  window.setTimeout(poll, pollMs);
})();
