/* detente customer overlap: the three steps of one exchange on the browser side.
   The same messages as detente.analysis.overlap.exchange (Python): per kind of account,
   OpenMined PSI requests, Golomb-compressed sets and responses, base64 in JSON.
   `psi` is the library object @openmined/psi.js resolves to. */
(function (root) {
  "use strict";
  var KINDS = ["customer", "opportunity", "prospect"];
  var PROTOCOL = "openmined-psi/2";
  var FALSE_POSITIVE_RATE = 1e-9;

  function toBase64(bytes) {
    var text = "";
    for (var i = 0; i < bytes.length; i += 0x8000) {
      text += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
    }
    return btoa(text);
  }

  function fromBase64(text) {
    var raw = atob(text);
    var bytes = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
    return bytes;
  }

  function parts(message, part) {
    if (!message || message.protocol !== PROTOCOL || !message[part]) {
      throw new Error("not a message of " + PROTOCOL);
    }
    return message[part];
  }

  function prepare(psi, sets, reveal) {
    var client = psi.client.createWithNewKey(Boolean(reveal));
    var requests = {};
    KINDS.forEach(function (kind) {
      requests[kind] = toBase64(client.createRequest(sets[kind] || []).serializeBinary());
    });
    var secret = toBase64(client.getPrivateKeyBytes());
    client.delete();
    return { secret: secret, request: { protocol: PROTOCOL, reveal: Boolean(reveal), requests: requests } };
  }

  function respond(psi, sets, request, reveal) {
    var asked = parts(request, "requests");
    if (request.reveal === true && !reveal) {
      throw new Error("the other side asks for the list of shared accounts: answer only if your side agrees");
    }
    var server = psi.server.createWithNewKey(request.reveal === true);
    var parsed = {};
    var total = 0;
    KINDS.forEach(function (kind) {
      parsed[kind] = psi.request.deserializeBinary(fromBase64(asked[kind]));
      total += parsed[kind].getEncryptedElementsList().length;
    });
    var setups = {};
    var responses = {};
    KINDS.forEach(function (kind) {
      var setup = server.createSetupMessage(
        FALSE_POSITIVE_RATE, Math.max(1, total), sets[kind] || [], psi.dataStructure.GCS);
      setups[kind] = toBase64(setup.serializeBinary());
      responses[kind] = toBase64(server.processRequest(parsed[kind]).serializeBinary());
    });
    server.delete();
    return { protocol: PROTOCOL, reveal: request.reveal === true, setups: setups, responses: responses };
  }

  function finish(psi, secret, sets, reply) {
    var setups = parts(reply, "setups");
    var responses = parts(reply, "responses");
    var reveal = reply.reveal === true;
    var client = psi.client.createFromKey(fromBase64(secret), reveal);
    var counts = {};
    var shared = reveal ? {} : null;
    var parsedSetups = {};
    KINDS.forEach(function (kind) {
      parsedSetups[kind] = psi.serverSetup.deserializeBinary(fromBase64(setups[kind]));
    });
    KINDS.forEach(function (mine) {
      var response = psi.response.deserializeBinary(fromBase64(responses[mine]));
      var keys = sets[mine] || [];
      counts[mine] = {};
      if (shared) shared[mine] = {};
      KINDS.forEach(function (theirs) {
        if (!keys.length) {
          counts[mine][theirs] = 0;
          if (shared) shared[mine][theirs] = [];
        } else if (reveal) {
          var found = client.getIntersection(parsedSetups[theirs], response);
          shared[mine][theirs] = Array.from(found, function (i) { return keys[i]; }).sort();
          counts[mine][theirs] = found.length;
        } else {
          counts[mine][theirs] = client.getIntersectionSize(parsedSetups[theirs], response);
        }
      });
    });
    client.delete();
    return { counts: counts, shared: shared };
  }

  var api = { KINDS: KINDS, prepare: prepare, respond: respond, finish: finish };
  if (typeof module !== "undefined" && module.exports) module.exports = api;
  else root.DetenteOverlapSteps = api;
})(this);
