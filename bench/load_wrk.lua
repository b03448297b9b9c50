-- wrk client for bench/load_survey.py: each connection does what a phone does,
-- GET the form (session cookie, CSRF token, one-time submission token), then
-- POST the answers with those tokens, again and again.
--
-- Run with one connection per wrk thread (-t N -c N): wrk calls request() and
-- response() per thread, so one connection per thread keeps each GET's tokens
-- with the POST that follows it.
--
--   wrk -t50 -c50 -d15s -s bench/load_wrk.lua http://127.0.0.1:PORT -- /form BODYFILE
--
-- BODYFILE holds the answers, form-encoded, without the two tokens.  It sends flat
-- out (capacity).  No pauses: wrk connects before its first pause, and an idle new
-- connection holds a gunicorn gthread thread until its first request, which a phone
-- (connecting when it sends) does not do; people-paced runs use the Python client.

local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  path = args[1]
  local f = assert(io.open(args[2], "rb"))
  answers = f:read("*a")
  f:close()
  state = "get"
  cookie = nil
  body = nil
  gets, posts_ok, failures = 0, 0, 0
  last_failure = ""
end

function request()
  if state == "post" then
    return wrk.format("POST", path, {
      ["Content-Type"] = "application/x-www-form-urlencoded",
      ["Cookie"] = cookie,
    }, body)
  end
  return wrk.format("GET", path)
end

local function field(page, name)
  return page:match('name="' .. name .. '"[^>]-value="([^"]*)"')
end

function response(status, headers, page)
  if state == "get" then
    gets = gets + 1
    local csrf = field(page, "csrf_token")
    local token = field(page, "submission_token")
    local set_cookie = headers["Set-Cookie"] or headers["set-cookie"]
    if status ~= 200 or not csrf or not set_cookie then
      failures = failures + 1
      last_failure = "GET " .. status
      return
    end
    cookie = set_cookie:match("^([^;]+)")
    body = answers .. "&csrf_token=" .. csrf
    if token then
      body = body .. "&submission_token=" .. token
    end
    state = "post"
  else
    if status == 200 then
      posts_ok = posts_ok + 1
    else
      failures = failures + 1
      last_failure = "POST " .. status
    end
    state = "get"
  end
end

function done(summary, latency, requests)
  local ok, bad, gets_all, why = 0, 0, 0, ""
  for _, t in ipairs(threads) do
    ok = ok + (t:get("posts_ok") or 0)
    bad = bad + (t:get("failures") or 0)
    gets_all = gets_all + (t:get("gets") or 0)
    local w = t:get("last_failure")
    if w and w ~= "" then why = w end
  end
  local e = summary.errors
  io.write(string.format(
    'WRK_RESULT {"requests": %d, "duration_us": %d, "submissions": %d, "gets": %d, ' ..
    '"failures": %d, "last_failure": "%s", "socket_errors": %d, "status_errors": %d, ' ..
    '"p50_us": %d, "p99_us": %d, "max_us": %d}\n',
    summary.requests, summary.duration, ok, gets_all, bad, why,
    e.connect + e.read + e.write + e.timeout, e.status,
    latency:percentile(50), latency:percentile(99), latency.max))
end
