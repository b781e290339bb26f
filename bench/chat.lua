-- wrk script: one OpenAI chat completion per request.
--   BENCH_KEY          customer key sent as "Authorization: Bearer <key>" (the stub and nginx ignore it)
--   BENCH_KEYS_FILE    a file of keys, one a line: each call takes the next key in turn (a Lua call a request, which
--                      costs wrk more than the fixed request; give it to both sides of a comparison)
--   BENCH_MODEL        model slug (default bench/stub)
--   BENCH_SYSTEM_FILE  a file whose text goes first as the system message of every call (as an application's fixed
--                      system prompt does); none by default
local key = os.getenv("BENCH_KEY") or "none"
local model = os.getenv("BENCH_MODEL") or "bench/stub"

-- A Lua string as a JSON string's contents.
local function json_text(text)
    return (text:gsub('[%c"\\]', function(c)
        if c == '"' then return '\\"' elseif c == '\\' then return '\\\\' elseif c == '\n' then return '\\n' end
        return string.format('\\u%04x', c:byte())
    end))
end

local system = ""
local path = os.getenv("BENCH_SYSTEM_FILE")
if path and path ~= "" then
    local file = assert(io.open(path, "rb"))
    system = '{"role":"system","content":"' .. json_text(file:read("*a")) .. '"},'
    file:close()
end

wrk.method = "POST"
wrk.path = "/v1/chat/completions"
wrk.body = '{"model":"' .. model .. '","messages":[' .. system .. '{"role":"user","content":"hi"}]}'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. key

-- A keys file: every request of a thread takes the next key, the requests formatted once.
local keys = {}
local keys_path = os.getenv("BENCH_KEYS_FILE")
if keys_path and keys_path ~= "" then
    for line in io.lines(keys_path) do
        if line ~= "" then keys[#keys + 1] = line end
    end
end
if #keys > 0 then
    local requests, next_request = {}, 0
    -- In init: wrk.format takes the Host header from wrk.headers, which wrk.init sets after the script loads.
    init = function()
        for i, k in ipairs(keys) do
            requests[i] = wrk.format(nil, nil, {["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. k})
        end
    end
    request = function()
        next_request = next_request % #requests + 1
        return requests[next_request]
    end
end
