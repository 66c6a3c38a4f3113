/* Offline viewer of an SNS Desk backup package.
 *
 * Reads window.SNS_ARCHIVE (set by items.js: items oldest first) and lists the posts newest first,
 * PAGE_SIZE at a time. Every piece of item text is put into the page as text nodes (never as HTML).
 * Dates are shown in Japan time with a fixed +09:00 offset, whatever the computer's time zone.
 */
(function () {
  "use strict";

  var PAGE_SIZE = 200;
  var JST_OFFSET_MS = 9 * 60 * 60 * 1000;
  var WEEKDAYS = ["日", "月", "火", "水", "木", "金", "土"];
  var PLATFORMS = { x: "X", facebook: "Facebook", instagram: "Instagram", mastodon: "Mastodon", line: "LINE" };
  var IMAGE_EXT = /\.(jpe?g|png|gif|webp|bmp|avif)$/i;
  var VIDEO_EXT = /\.(mp4|m4v|webm|mov)$/i;
  var MEDIA_PATH = /^media\/[0-9a-f]{2}\/[0-9a-f]{64}(\.[a-z0-9]{1,5})?$/;
  var WEB_URL = /^https?:\/\//i;
  var ISO = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(Z|[+-]\d{2}:\d{2})$/;

  var list = document.getElementById("list");
  var status = document.getElementById("status");
  var more = document.getElementById("more");
  var query = document.getElementById("query");
  var account = document.getElementById("account");

  var data = window.SNS_ARCHIVE;
  if (!data || !data.items) {
    status.textContent = "投稿データ(items.js)を読み込めませんでした。viewer フォルダの中身がそろっているか確かめてください。";
    return;
  }

  var items = data.items.slice().reverse(); // newest first
  var byKey = {}; // key -> item, for the correction links (第9条)
  for (var k = 0; k < items.length; k++) {
    if (items[k].key) {
      byKey[items[k].key] = items[k];
    }
  }
  var haystacks = new Array(items.length); // lower-cased search text, built on first search
  var matches = [];
  var shown = 0;
  var pattern = null;

  function accountKey(item) {
    return (item.platform || "") + "\u0000" + (item.account || "");
  }

  function platformName(platform) {
    return PLATFORMS[platform] || platform || "";
  }

  function pad(n) {
    return (n < 10 ? "0" : "") + n;
  }

  /* "2024-05-01T03:04:05+00:00" -> "2024年5月1日(水) 12:04" in Japan time. */
  function tokyoTime(iso) {
    var m = ISO.exec(iso || "");
    if (!m) {
      return iso || "";
    }
    var ms = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]);
    if (m[8] !== "Z") {
      var sign = m[8].charAt(0) === "-" ? -1 : 1;
      ms -= sign * (parseInt(m[8].substr(1, 2), 10) * 60 + parseInt(m[8].substr(4, 2), 10)) * 60000;
    }
    var d = new Date(ms + JST_OFFSET_MS);
    return d.getUTCFullYear() + "年" + (d.getUTCMonth() + 1) + "月" + d.getUTCDate() + "日" +
      "(" + WEEKDAYS[d.getUTCDay()] + ") " + pad(d.getUTCHours()) + ":" + pad(d.getUTCMinutes());
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) {
      node.className = className;
    }
    if (text !== undefined && text !== null) {
      node.textContent = text;
    }
    return node;
  }

  function webLink(url, label) {
    if (!url || !WEB_URL.test(url)) {
      return el("span", "url", url || "");
    }
    var a = el("a", "url", label || url);
    a.href = url;
    a.target = "_blank";
    a.rel = "noopener noreferrer";
    return a;
  }

  /* Appends text to parent, with every match of pattern wrapped in a mark element. */
  function appendHighlighted(parent, text) {
    if (!pattern || !text) {
      parent.appendChild(document.createTextNode(text || ""));
      return;
    }
    var last = 0;
    var m;
    pattern.lastIndex = 0;
    while ((m = pattern.exec(text)) !== null) {
      if (m[0].length === 0) {
        break;
      }
      if (m.index > last) {
        parent.appendChild(document.createTextNode(text.slice(last, m.index)));
      }
      parent.appendChild(el("mark", null, m[0]));
      last = m.index + m[0].length;
    }
    parent.appendChild(document.createTextNode(text.slice(last)));
  }

  function mediaNode(media) {
    if (!MEDIA_PATH.test(media.path || "")) {
      return el("span", "media-file", media.name || "");
    }
    var src = "../" + media.path;
    var a = el("a", "media-file");
    a.href = src;
    a.target = "_blank";
    a.title = media.name || "";
    if (IMAGE_EXT.test(media.path)) {
      var img = el("img");
      img.src = src;
      img.alt = media.name || "";
      img.loading = "lazy";
      a.appendChild(img);
      return a;
    }
    if (VIDEO_EXT.test(media.path)) {
      var video = el("video");
      video.src = src;
      video.controls = true;
      video.preload = "none";
      var box = el("div", "media-video");
      box.appendChild(video);
      box.appendChild(el("div", "media-name", media.name || ""));
      return box;
    }
    a.textContent = "添付ファイル: " + (media.name || media.path);
    return a;
  }

  function metaRow(dl, label, value, asLink) {
    if (!value) {
      return;
    }
    dl.appendChild(el("dt", null, label));
    var dd = el("dd");
    if (asLink) {
      dd.appendChild(webLink(value));
    } else {
      appendHighlighted(dd, value);
    }
    dl.appendChild(dd);
  }

  /* A correction link: the other post's time and opening words; choosing it searches for its key. */
  function linkRow(dl, label, key) {
    dl.appendChild(el("dt", null, label));
    var dd = el("dd", "correction-link");
    var other = byKey[key];
    var a = el("a", "jump", other ? tokyoTime(other.posted_at) + " " + (other.text || "").slice(0, 60) : key);
    a.href = "#";
    a.title = "キー " + key + " の投稿を表示";
    a.addEventListener("click", function (event) {
      event.preventDefault();
      query.value = key;
      update();
    });
    dd.appendChild(a);
    if (!other) {
      dd.appendChild(el("span", "muted", "(このバックアップには含まれていません)"));
    }
    dl.appendChild(dd);
  }

  function render(item) {
    var article = el("article", "post");
    var head = el("header", "post-head");
    head.appendChild(el("time", "date", tokyoTime(item.posted_at)));
    head.appendChild(el("span", "platform", platformName(item.platform)));
    var who = el("span", "account");
    appendHighlighted(who, item.account ? "@" + item.account : "(アカウント不明)");
    head.appendChild(who);
    if (item.url) {
      head.appendChild(webLink(item.url, "元の投稿を開く"));
    }
    if (item.corrected_by && item.corrected_by.length) {
      head.appendChild(el("span", "badge corrected", "訂正済み"));
    }
    if (item.corrects_key) {
      head.appendChild(el("span", "badge correction", "訂正"));
    }
    article.appendChild(head);

    var body = el("div", "text");
    appendHighlighted(body, item.text || "");
    article.appendChild(body);

    if (item.media && item.media.length) {
      var box = el("div", "media");
      for (var i = 0; i < item.media.length; i++) {
        box.appendChild(mediaNode(item.media[i]));
      }
      article.appendChild(box);
    }

    var dl = el("dl", "meta");
    metaRow(dl, "再投稿元", item.reposted_url, true);
    metaRow(dl, "投稿者", item.author);
    metaRow(dl, "投稿端末", item.terminal);
    metaRow(dl, "庁外端末からの投稿理由", item.off_terminal_reason);
    if (item.corrects_key) {
      linkRow(dl, "訂正 → 原文", item.corrects_key);
    }
    for (var c = 0; item.corrected_by && c < item.corrected_by.length; c++) {
      linkRow(dl, "原文 → 訂正", item.corrected_by[c]);
    }
    metaRow(dl, "返信先", item.reply_to_id);
    metaRow(dl, "引用元", item.quoted_id);
    metaRow(dl, "記録の出どころ", item.source);
    metaRow(dl, "キー", item.key);
    if (dl.firstChild) {
      article.appendChild(dl);
    }
    return article;
  }

  function haystack(i) {
    var h = haystacks[i];
    if (h === undefined) {
      var item = items[i];
      h = [item.text, item.account, item.author, item.url, item.reposted_url, item.key].join("\n").toLowerCase();
      haystacks[i] = h;
    }
    return h;
  }

  function escapeRegExp(text) {
    return text.replace(/[.*+?^${}()|[\]\\\/]/g, "\\$&");
  }

  function showMore() {
    var end = Math.min(shown + PAGE_SIZE, matches.length);
    var fragment = document.createDocumentFragment();
    for (; shown < end; shown++) {
      fragment.appendChild(render(items[matches[shown]]));
    }
    list.appendChild(fragment);
    more.hidden = shown >= matches.length;
    more.textContent = "さらに表示(残り " + (matches.length - shown) + " 件)";
    var filtered = matches.length === items.length ? "全 " + items.length + " 件" : items.length + " 件中 " + matches.length + " 件が該当";
    status.textContent = filtered + "(新しい順に " + shown + " 件を表示)";
  }

  function update() {
    var needle = query.value.trim().toLowerCase();
    var selected = account.value;
    pattern = needle ? new RegExp(escapeRegExp(query.value.trim()), "gi") : null;
    matches = [];
    for (var i = 0; i < items.length; i++) {
      if (selected && accountKey(items[i]) !== selected) {
        continue;
      }
      if (needle && haystack(i).indexOf(needle) < 0) {
        continue;
      }
      matches.push(i);
    }
    list.textContent = "";
    shown = 0;
    if (!matches.length) {
      list.appendChild(el("p", "empty", "該当する投稿はありません。"));
    }
    showMore();
  }

  function fillAccounts() {
    var counts = {};
    var keys = [];
    for (var i = 0; i < items.length; i++) {
      var key = accountKey(items[i]);
      if (!counts.hasOwnProperty(key)) {
        counts[key] = 0;
        keys.push(key);
      }
      counts[key]++;
    }
    keys.sort();
    for (var k = 0; k < keys.length; k++) {
      var parts = keys[k].split("\u0000");
      var label = (parts[1] ? "@" + parts[1] : "(アカウント不明)") + "(" + platformName(parts[0]) + ")" +
        " " + counts[keys[k]] + " 件";
      var option = el("option", null, label);
      option.value = keys[k];
      account.appendChild(option);
    }
  }

  var timer = null;
  query.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(update, 250);
  });
  account.addEventListener("change", update);
  more.addEventListener("click", showMore);
  document.getElementById("filters").addEventListener("submit", function (event) {
    event.preventDefault();
    clearTimeout(timer);
    update();
  });

  fillAccounts();
  update();
})();
