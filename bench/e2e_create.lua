-- wrk script for bench/e2e.py: the same create request okta-bulk and the Node SDK send
-- (POST /api/v1/users?activate=true with profile, password and groupIds), a unique login per
-- request. Each wrk thread gets its own id in setup(), so logins never collide across threads.
-- Usage: wrk -s bench/e2e_create.lua http://127.0.0.1:PORT -- PREFIX TOKEN GROUP_ID
local next_thread = 0

function setup(thread)
  next_thread = next_thread + 1
  thread:set("tid", next_thread)
end

function init(args)
  prefix = args[1] or "wrk"
  token = args[2] or "test-token"
  group = args[3] or "00gmock0000000000001"
  counter = 0
  headers = {
    ["Authorization"] = "SSWS " .. token,
    ["Content-Type"] = "application/json",
    ["Accept"] = "application/json",
  }
end

function request()
  counter = counter + 1
  local n = tid .. "x" .. counter
  local login = prefix .. n .. "@example.com"
  local body = '{"profile":{"login":"' .. login .. '","email":"' .. login ..
      '","firstName":"Grace","lastName":"Lovelace","department":"Dept ' .. n ..
      '","employeeNumber":"' .. n .. '"},' ..
      '"credentials":{"password":{"value":"Pw' .. n .. '-secret-Ab9"}},' ..
      '"groupIds":["' .. group .. '"]}'
  return wrk.format("POST", "/api/v1/users?activate=true", headers, body)
end
