/* Comments: post in place, reply in place, remember the reader's details.
 *
 * The article page is the same bytes for everyone, so it carries no CSRF token. When the reader
 * first uses the form, this fetches one (with a signed "form opened" time) from the token URL,
 * then posts with fetch. Without JavaScript the form still posts normally (see comments/csrf.py).
 */
(function () {
  "use strict";
  var form = document.getElementById("commentform");
  if (!form || !window.fetch) return;
  var status = form.querySelector(".comment-form__status");
  var parentField = form.querySelector("#comment_parent");
  var respond = document.getElementById("respond");
  var respondHome = respond.parentNode;
  var respondNext = respond.nextSibling;
  var cancel = document.getElementById("cancel-comment-reply-link");
  var title = document.getElementById("reply-title");
  var titleText = title.firstChild.nodeValue;
  var tokenPromise = null;

  function fetchToken() {
    if (!tokenPromise) {
      tokenPromise = fetch(form.dataset.tokenUrl, {credentials: "same-origin", cache: "no-store"})
        .then(function (r) { if (!r.ok) throw new Error("token " + r.status); return r.json(); })
        .then(function (data) { form.elements.form_opened.value = data.formOpened; return data; })
        .catch(function (err) { tokenPromise = null; throw err; });
    }
    return tokenPromise;
  }

  // Refill the details the reader asked us to remember (cookie set only when they ticked the box).
  function readSaved() {
    var match = document.cookie.match(/(?:^|; )comment_author=([^;]*)/);
    if (!match) return;
    try {
      var saved = JSON.parse(decodeURIComponent(match[1].replace(/^"|"$/g, "")));
      ["author", "email", "url"].forEach(function (name) {
        if (saved[name] && !form.elements[name].value) form.elements[name].value = saved[name];
      });
      form.elements["wp-comment-cookies-consent"].checked = true;
    } catch (e) { /* a damaged cookie: start empty */ }
  }
  readSaved();

  form.addEventListener("focusin", function () { fetchToken().catch(function () {}); });

  function say(message, isError) {
    status.textContent = message;
    status.classList.toggle("is-error", !!isError);
  }

  function thread() {
    var list = document.querySelector(".comment-list");
    if (!list) {
      list = document.createElement("ol");
      list.className = "comment-list";
      var empty = document.querySelector(".comments__empty");
      if (empty) empty.remove();
      respondHome.insertBefore(list, respond);
    }
    return list;
  }

  function insertComment(html) {
    var holder = document.createElement("ol");
    holder.innerHTML = html.trim();
    var item = holder.firstElementChild;
    var parentId = parentField.value;
    var parent = parentId !== "0" && document.getElementById("comment-" + parentId);
    if (parent) {
      var children = parent.querySelector(":scope > ol.children");
      if (!children) {
        children = document.createElement("ol");
        children.className = "children";
        parent.appendChild(children);
      }
      children.appendChild(item);
    } else {
      thread().appendChild(item);
    }
    return item;
  }

  function moveFormTo(commentId, author) {
    var comment = document.getElementById("comment-" + commentId);
    if (!comment) return;
    comment.querySelector(".comment__body").after(respond);
    parentField.value = commentId;
    title.firstChild.nodeValue = "Reply to " + author + " ";
    cancel.hidden = false;
    form.elements.comment.focus();
  }

  function resetForm() {
    respondHome.insertBefore(respond, respondNext);
    parentField.value = "0";
    title.firstChild.nodeValue = titleText;
    cancel.hidden = true;
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest(".comment-reply-link");
    if (link) {
      event.preventDefault();
      var author = link.closest(".comment").querySelector(".p-name").textContent;
      moveFormTo(link.dataset.replyTo, author);
    } else if (event.target === cancel) {
      event.preventDefault();
      resetForm();
    }
  });

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var button = form.querySelector("button[type=submit]");
    button.disabled = true;
    say("Posting your comment…");
    fetchToken().then(function (token) {
      return fetch(form.action, {
        method: "POST", body: new FormData(form), credentials: "same-origin",
        headers: {"X-CSRFToken": token.csrfToken, "Accept": "application/json"}
      });
    }).then(function (response) {
      return response.json().then(function (data) { return {response: response, data: data}; });
    }).then(function (result) {
      var data = result.data;
      if (!data.ok) {
        say((data.errors || ["Your comment was not posted."]).join(" "), true);
        if (result.response.status === 403) tokenPromise = null;  // expired: fetch a new one
        return;
      }
      if (data.html) {
        var item = insertComment(data.html);
        item.setAttribute("tabindex", "-1");
        resetForm();
        item.focus();
      } else {
        resetForm();
      }
      form.elements.comment.value = "";
      tokenPromise = null;  // a fresh "form opened" time for the next comment
      say(data.message);
    }).catch(function () {
      // Could not post in place: fall back to the plain form post, which works without us.
      form.submit();
    }).then(function () { button.disabled = false; });
  });
})();
