-- wrk script: POST /api/v1/users with a unique login per request (okta-mock create throughput).
-- Each wrk thread gets its own id in setup(), so logins never collide across threads.
-- Usage: wrk -s bench/mock_create.lua http://127.0.0.1:PORT -- [login-prefix] [token]
local next_thread = 0

function setup(thread)
  next_thread = next_thread + 1
  thread:set("tid", next_thread)
end

function init(args)
  prefix = args[1] or "bench"
  token = args[2] or "test-token"
  counter = 0
  headers = {
    ["Authorization"] = "SSWS " .. token,
    ["Content-Type"] = "application/json",
    ["Accept"] = "application/json",
  }
end

function request()
  counter = counter + 1
  local login = prefix .. ".t" .. tid .. ".u" .. counter .. "@example.com"
  local body = '{"profile":{"login":"' .. login .. '","email":"' .. login ..
      '","firstName":"Bench","lastName":"User","department":"Load"},' ..
      '"credentials":{"password":{"value":"Passw0rd!"}}}'
  return wrk.format("POST", "/api/v1/users?activate=true", headers, body)
end
