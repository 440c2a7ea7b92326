-- wrk script: POSTs a ~2 KB Zoho item webhook with a unique item id and version per request.
local counter = 0
local thread_id = 0
local pad = string.rep("x", 1500)

function setup(thread)
  thread:set("tid", thread_id)
  thread_id = thread_id + 1
end

function init(args)
  token = args[1] or ""
end

function request()
  counter = counter + 1
  local id = string.format("46000%02d%010d", tid or 0, counter)
  local body = '{"item":{"item_id":"' .. id .. '","name":"صنف ' .. counter .. '","sku":"SKU-' .. id ..
    '","rate":12.5,"status":"active","description":"' .. pad ..
    '","last_modified_time":"2026-11-23T10:00:00+0300"}}'
  return wrk.format("POST", "/webhooks/zoho/item?token=" .. token,
    {["Content-Type"] = "application/json"}, body)
end
