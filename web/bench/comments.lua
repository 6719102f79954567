-- wrk script: POST /api/v1/comments with varying text, authors and idempotency keys.
--   TRIBUNE_KEY=trb_... wrk -t2 -c32 -d30s --latency -s web/bench/comments.lua http://127.0.0.1:8080
-- The article "bench" must exist (web/bench/run.sh creates it). Non-201 answers are counted
-- and reported at the end.

local key = os.getenv("TRIBUNE_KEY") or error("set TRIBUNE_KEY to an API key")
local path = os.getenv("TRIBUNE_PATH") or "/api/v1/comments"

local words = {
  "the", "council", "budget", "tram", "line", "is", "a", "good", "bad", "idea", "not", "never",
  "agree", "wrong", "plan", "city", "old", "town", "cost", "taxes", "residents", "voted", "for",
  "against", "why", "would", "anyone", "support", "this", "nonsense", "great", "work", "reporter",
  "stupid", "idiot", "damn", "really", "think", "should", "must", "we", "they", "café", "naïve",
}

local thread_id = 0
local threads = {}

function setup(thread)
  thread:set("id", thread_id)
  thread_id = thread_id + 1
  table.insert(threads, thread)
end

function init(args)
  counter = 0
  failures = 0
  math.randomseed(1000 + id)
end

local function text()
  local n = math.random(8, 60)
  local t = {}
  for i = 1, n do
    t[i] = words[math.random(#words)]
  end
  return table.concat(t, " ")
end

function request()
  counter = counter + 1
  local body
  if path == "/api/v1/score" then
    body = string.format('{"text":"%s","context":"The council approved the tram line budget."}', text())
  else
    body = string.format('{"article_id":"bench","author":{"id":"u%d","name":"Reader %d"},"text":"%s"}',
      counter % 997, counter % 997, text())
  end
  return wrk.format("POST", path, {
    ["Authorization"] = "Bearer " .. key,
    ["Content-Type"] = "application/json",
    ["Idempotency-Key"] = string.format("w%d-%d-%d", id, counter, os.time()),
  }, body)
end

function response(status, headers, body)
  if status ~= 201 and status ~= 200 then
    failures = failures + 1
    if failures < 5 then
      io.stderr:write("status " .. status .. ": " .. body .. "\n")
    end
  end
end

function done(summary, latency, requests)
  local failed = 0
  for _, t in ipairs(threads) do
    failed = failed + t:get("failures")
  end
  io.write(string.format("requests %d, non-2xx %d, %.0f req/s, p50 %.2f ms, p90 %.2f ms, p99 %.2f ms, max %.2f ms\n",
    summary.requests, failed, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
end
