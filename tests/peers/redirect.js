// Preload for running one of Guru's Node clients unchanged against guru-form serve:
//
//     GURU_PEER_HOSTS='{"api.getguru.fitness": "http://127.0.0.1:8000"}' node --require ./redirect.js index.js
//
// Every HTTPS request the client makes to a host named in GURU_PEER_HOSTS goes to the URL given
// for it instead, over plain HTTP; the path, query, method, headers and body are left as they
// are. Requests to any other host are untouched. The client's own code is not changed: this
// replaces https.request and https.get, which Node's HTTP libraries (axios through
// follow-redirects, among others) look up when they send.
"use strict";

const http = require("http");
const https = require("https");

const hosts = JSON.parse(process.env.GURU_PEER_HOSTS || "{}");
const originalRequest = https.request;

function asOptions(input, options) {
  if (typeof input === "string" || input instanceof URL) {
    const url = new URL(input);
    return {
      protocol: url.protocol,
      hostname: url.hostname,
      port: url.port,
      path: url.pathname + url.search,
      ...(options || {}),
    };
  }
  return { ...input };
}

function redirectedRequest(...args) {
  const [input] = args;
  const options = typeof args[1] === "object" ? args[1] : undefined;
  const callback = args.find((arg) => typeof arg === "function");
  const wanted = asOptions(input, options);
  const host = (wanted.hostname || wanted.host || "").replace(/:\d+$/, "");
  const target = hosts[host];
  if (target === undefined) {
    return originalRequest.apply(https, args);
  }
  const to = new URL(target);
  const moved = {
    ...wanted,
    protocol: "http:",
    hostname: to.hostname,
    host: to.hostname,
    port: to.port,
    agent: undefined,
    agents: undefined,
  };
  return http.request(moved, callback);
}

https.request = redirectedRequest;
https.get = function get(...args) {
  const request = redirectedRequest(...args);
  request.end();
  return request;
};
