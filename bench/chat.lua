-- wrk script: one OpenAI chat completion per request.
--   BENCH_KEY          customer key sent as "Authorization: Bearer <key>" (the stub and nginx ignore it)
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
