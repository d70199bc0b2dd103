/* Open a sealed denunciation's identity and photos in the official's browser, with the unit's private key,
   so that the key never reaches the server (the item page, form[data-unseal-in-browser]); and seal them
   again there for the unit a denunciation is forwarded to (form[data-reseal-in-browser]).

   The page reads the key file or the pasted key line here, sends only the reason (and the CSRF token) to
   data-sealed-url, which records the showing and answers with the sealed boxes as stored, and opens them
   here: an X25519 sealed box as libsodium's crypto_box_seal makes it (PyNaCl's SealedBox) is the sender's
   one-time public key, then crypto_box of the text under the nonce blake2b-192(that key || the unit's
   public key). tweetnacl (self.nacl) does the box, blakejs (self.blakejs) the nonce. Without JavaScript
   the form posts the key to the server, which opens the boxes for that one response. */
(function () {
  "use strict";

  var KEY_LINE = /(?:CONGKHAI-SECRET-KEY-1:)?\s*([A-Za-z0-9+/]{43}=)/;
  var MAX_KEY_FILE_BYTES = 4096;

  function fromBase64(text) {
    var binary = atob(text);
    var bytes = new Uint8Array(binary.length);
    for (var index = 0; index < binary.length; index += 1) bytes[index] = binary.charCodeAt(index);
    return bytes;
  }

  function toBase64(bytes) {
    var parts = [];
    for (var start = 0; start < bytes.length; start += 0x8000) {
      parts.push(String.fromCharCode.apply(null, bytes.subarray(start, start + 0x8000)));
    }
    return btoa(parts.join(""));
  }

  function readKeyText(form) {
    var file = form.querySelector('input[type="file"][name$="key_file"]');
    var pasted = form.querySelector('textarea[name$="key_text"]');
    if (file && file.files && file.files.length) {
      if (file.files[0].size > MAX_KEY_FILE_BYTES) return Promise.resolve("");
      return file.files[0].text();
    }
    return Promise.resolve(pasted ? pasted.value : "");
  }

  function privateKey(text) {
    var match = KEY_LINE.exec(text || "");
    if (!match) return null;
    var raw = fromBase64(match[1]);
    return raw.length === 32 ? raw : null;
  }

  /* The sealed box opened with the private key, or null when this key does not open it. */
  function openSealed(box, secretKey) {
    if (box.length < 32 + self.nacl.box.overheadLength) return null;
    var publicKey = self.nacl.scalarMult.base(secretKey);
    var ephemeral = box.subarray(0, 32);
    var both = new Uint8Array(64);
    both.set(ephemeral, 0);
    both.set(publicKey, 32);
    var nonce = self.blakejs.blake2b(both, null, 24);
    return self.nacl.box.open(box.subarray(32), nonce, ephemeral, secretKey);
  }

  /* A sealed box of `message` for `publicKey`, as libsodium's crypto_box_seal makes it. */
  function seal(message, publicKey) {
    var ephemeral = self.nacl.box.keyPair();
    var both = new Uint8Array(64);
    both.set(ephemeral.publicKey, 0);
    both.set(publicKey, 32);
    var boxed = self.nacl.box(message, self.blakejs.blake2b(both, null, 24), publicKey, ephemeral.secretKey);
    ephemeral.secretKey.fill(0);
    var sealed = new Uint8Array(32 + boxed.length);
    sealed.set(ephemeral.publicKey, 0);
    sealed.set(boxed, 32);
    return sealed;
  }

  function jsonAnswer(response, failed) {
    return response.json().then(
      function (answer) {
        if (!response.ok) throw new Error(answer.message || failed);
        return answer;
      },
      function () {
        throw new Error(failed);
      }
    );
  }

  /* The item's sealed boxes as stored, asked for with the reason (recorded by the server as a showing). */
  function sealedBoxes(form, body) {
    return fetch(form.getAttribute("data-sealed-url"), {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    }).then(function (response) {
      return jsonAnswer(response, form.getAttribute("data-failed"));
    });
  }

  function localPhone(e164) {
    var match = /^\+84(\d{9,10})$/.exec(e164 || "");
    if (!match) return e164;
    var digits = "0" + match[1];
    return digits.slice(0, 4) + " " + digits.slice(4, 7) + " " + digits.slice(7);
  }

  function showIdentity(section, form, identity) {
    var template = section.querySelector("template[data-opened-identity]");
    var opened = template.content.cloneNode(true);
    Array.prototype.forEach.call(opened.querySelectorAll("[data-if]"), function (element) {
      if (!identity[element.getAttribute("data-if")]) element.remove();
    });
    Array.prototype.forEach.call(opened.querySelectorAll("[data-field]"), function (cell) {
      var name = cell.getAttribute("data-field");
      var value = identity[name] || "";
      if (!value) {
        cell.textContent = cell.getAttribute("data-empty") || "";
      } else if (name === "phone") {
        var link = document.createElement("a");
        link.href = "tel:" + value;
        link.textContent = localPhone(value);
        cell.appendChild(link);
      } else {
        cell.textContent = value;
      }
    });
    Array.prototype.forEach.call(section.querySelectorAll(".protected, .protected + .hint"), function (element) {
      element.remove();
    });
    form.replaceWith(opened);
  }

  function showPhoto(photo, opened) {
    var slot = document.querySelector('[data-sealed-photo="' + photo.id + '"]');
    if (!slot) return;
    var image = document.createElement("img");
    image.src = "data:" + photo.media_type + ";base64," + toBase64(opened);
    image.alt = slot.getAttribute("data-alt") || "";
    slot.textContent = "";
    slot.className = "photo-opened";
    slot.appendChild(image);
  }

  function enhance(form) {
    var section = form.closest("section");
    var error = form.querySelector("[data-unseal-error]");
    var button = form.querySelector('button[type="submit"]');

    function fail(message) {
      error.textContent = message;
      error.hidden = false;
      if (button) button.disabled = false;
    }

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      error.hidden = true;
      if (button) button.disabled = true;
      var secretKey = null;
      readKeyText(form)
        .then(function (text) {
          if (!text || !text.trim()) throw new Error(form.getAttribute("data-no-key"));
          secretKey = privateKey(text);
          if (!secretKey) throw new Error(form.getAttribute("data-unreadable-key"));
          var body = new FormData(form);
          body.delete("key_file");
          body.delete("key_text");
          return sealedBoxes(form, body);
        })
        .then(function (answer) {
          var identity = answer.clear_identity;
          if (answer.identity) {
            var text = openSealed(fromBase64(answer.identity), secretKey);
            if (!text) throw new Error(form.getAttribute("data-wrong-key"));
            identity = JSON.parse(new TextDecoder().decode(text));
          }
          var photos = (answer.photos || []).map(function (photo) {
            var opened = openSealed(fromBase64(photo.box), secretKey);
            if (!opened) throw new Error(form.getAttribute("data-wrong-key"));
            return [photo, opened];
          });
          showIdentity(section, form, identity || {});
          photos.forEach(function (pair) {
            showPhoto(pair[0], pair[1]);
          });
        })
        .catch(function (problem) {
          fail(problem && problem.message ? problem.message : form.getAttribute("data-failed"));
        })
        .then(function () {
          if (secretKey) secretKey.fill(0);
        });
    });
  }

  /* Forwarding a sealed denunciation to a unit with another key: the boxes are opened and sealed again for
     that unit here; the form then carries them (its hidden `resealed` field) and never the key. */
  function enhanceForward(form) {
    var error = form.querySelector("[data-unseal-error]");
    var button = form.querySelector('button[type="submit"]');
    var file = form.querySelector('input[type="file"]');
    var pasted = form.querySelector("textarea[name$='key_text']");

    function send() {
      if (file) file.value = "";
      if (pasted) pasted.value = "";
      form.submit(); // no submit event: not handled again
    }

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      error.hidden = true;
      if (button) button.disabled = true;
      var secretKey = null;
      var failed = form.getAttribute("data-failed");
      var unit = form.querySelector("select[name$='target_unit']").value;
      readKeyText(form)
        .then(function (text) {
          if (!text || !text.trim() || !unit) return send(); // the server says what is missing
          secretKey = privateKey(text);
          if (!secretKey) throw new Error(form.getAttribute("data-unreadable-key"));
          var url = form.getAttribute("data-key-url") + "?unit=" + encodeURIComponent(unit);
          return fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
            .then(function (response) {
              return jsonAnswer(response, failed);
            })
            .then(function (target) {
              if (!target.needs_reseal) return send();
              var body = new FormData();
              body.append("csrf_token", form.querySelector("input[name$='csrf_token']").value);
              body.append("reason", form.querySelector("textarea[name$='-reason']").value);
              return sealedBoxes(form, body).then(function (sealed) {
                var publicKey = fromBase64(target.public_key);
                var resealed = { fingerprint: target.fingerprint, identity: null, photos: [] };
                if (sealed.identity && sealed.identity_key !== target.fingerprint) {
                  var opened = openSealed(fromBase64(sealed.identity), secretKey);
                  if (!opened) throw new Error(form.getAttribute("data-wrong-key"));
                  resealed.identity = toBase64(seal(opened, publicKey));
                }
                (sealed.photos || []).forEach(function (photo) {
                  if (photo.key === target.fingerprint) return;
                  var data = openSealed(fromBase64(photo.box), secretKey);
                  if (!data) throw new Error(form.getAttribute("data-wrong-key"));
                  resealed.photos.push({ id: photo.id, box: toBase64(seal(data, publicKey)) });
                });
                form.querySelector("input[name$='resealed']").value = JSON.stringify(resealed);
                send();
              });
            });
        })
        .catch(function (problem) {
          error.textContent = problem && problem.message ? problem.message : failed;
          error.hidden = false;
          if (button) button.disabled = false;
        })
        .then(function () {
          if (secretKey) secretKey.fill(0);
        });
    });
  }

  if (!self.nacl || !self.blakejs || !window.fetch || !window.FormData) return; // the forms post the key instead
  Array.prototype.forEach.call(document.querySelectorAll("form[data-unseal-in-browser]"), enhance);
  Array.prototype.forEach.call(document.querySelectorAll("form[data-reseal-in-browser]"), enhanceForward);
})();
