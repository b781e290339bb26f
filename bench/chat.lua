-- wrk script: one OpenAI chat completion per request.
--   BENCH_KEY   customer key sent as "Authorization: Bearer <key>" (the stub and nginx ignore it)
--   BENCH_MODEL model slug (default bench/stub)
local key = os.getenv("BENCH_KEY") or "none"
local model = os.getenv("BENCH_MODEL") or "bench/stub"

wrk.method = "POST"
wrk.path = "/v1/chat/completions"
wrk.body = '{"model":"' .. model .. '","messages":[{"role":"user","content":"hi"}]}'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. key
