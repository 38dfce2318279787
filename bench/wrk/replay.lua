-- wrk script: each request is the next line of the file named by BENCH_REQUESTS, a tab-separated
-- "METHOD<TAB>PATH<TAB>COOKIE<TAB>BODY". GET lines are replayed round-robin; with BENCH_ONCE=1 every line
-- is sent at most once (quiz submits: an attempt is submitted once) and the thread stops when they run out,
-- printing "exhausted" so that the harness can refuse the figure.
local reqs, i = {}, 0
local once = os.getenv("BENCH_ONCE") == "1"

function init(args)
  for line in io.lines(os.getenv("BENCH_REQUESTS")) do
    local method, path, cookie, body = line:match("^(%u+)\t([^\t]*)\t([^\t]*)\t(.*)$")
    local headers = {}
    if cookie ~= "" then headers["Cookie"] = cookie end
    if method == "POST" then headers["Content-Type"] = "application/x-www-form-urlencoded" end
    if body == "" then body = nil end
    reqs[#reqs + 1] = wrk.format(method, path, headers, body)
  end
end

function request()
  i = i + 1
  if i > #reqs then
    if once then
      io.stderr:write("exhausted\n")
      wrk.thread:stop()
    end
    i = 1
  end
  return reqs[i]
end
