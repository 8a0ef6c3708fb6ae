#!/usr/bin/env python3
"""The workbench's targets, measured in headless Chromium: the first page after `zhengce serve`
starts, and a generated register uploaded as xlsx until its results and totals are shown.

Run from the project root after `cargo build --release` (needs Debian's chromium and
chromium-driver): python3 benches/workbench.py [ROWS]   (default 10000 rows of zezhou 企业)
"""
import base64, json, shutil, subprocess, sys, tempfile, time, urllib.request
from pathlib import Path

ROWS = int(sys.argv[1]) if len(sys.argv) > 1 else 10000
BIN = "./target/release/zhengce"
folder = Path(tempfile.mkdtemp())
for p in Path("policies").glob("*.zc"):
    shutil.copy(p, folder)
book = folder / "register.xlsx"
subprocess.run([BIN, "gen", "policies/zezhou.zc", "--kind", "企业", "--rows", str(ROWS), "--seed", "5",
                "--out", str(book)], check=True, capture_output=True)
data = book.read_bytes()
book.unlink()

start = time.time()
server = subprocess.Popen([BIN, "serve", str(folder), "--port", "0"], stdout=subprocess.PIPE,
                          stderr=subprocess.DEVNULL, text=True)
url = next(w for w in server.stdout.readline().split() if w.startswith("http://"))
while True:
    try:
        urllib.request.urlopen(url).read()
        break
    except OSError:
        time.sleep(0.005)
print(f"first page: {time.time() - start:.3f} s after start")

driver = subprocess.Popen(["/usr/bin/chromedriver", "--port=9517"], stdout=subprocess.DEVNULL,
                          stderr=subprocess.DEVNULL)
time.sleep(0.5)


def call(method, path, body=None):
    req = urllib.request.Request("http://127.0.0.1:9517" + path, method=method,
                                 data=json.dumps(body).encode() if body is not None else None,
                                 headers={"Content-Type": "application/json"})
    return json.loads(urllib.request.urlopen(req, timeout=120).read())


try:
    caps = {"capabilities": {"alwaysMatch": {"goog:chromeOptions": {
        "binary": "/usr/bin/chromium", "args": ["--headless=new", "--no-sandbox", "--disable-gpu"]}}}}
    sid = call("POST", "/session", caps)["value"]["sessionId"]
    run = lambda script, args=(): call("POST", f"/session/{sid}/execute/sync",
                                       {"script": script, "args": list(args)})["value"]
    call("POST", f"/session/{sid}/url", {"url": url})
    while not run("return document.querySelector('[data-path=\"zezhou.zc\"]') !== null;"):
        time.sleep(0.05)
    run("document.querySelector('[data-path=\"zezhou.zc\"]').click();")
    while run("return document.getElementById('upload').disabled;"):
        time.sleep(0.05)
    run("""const bin = atob(arguments[0]); const u = new Uint8Array(bin.length);
           for (let i = 0; i < bin.length; i++) u[i] = bin.charCodeAt(i);
           window.t0 = performance.now();
           const dt = new DataTransfer(); dt.items.add(new File([u], 'register.xlsx'));
           const input = document.getElementById('upload'); input.files = dt.files;
           input.dispatchEvent(new Event('change'));""", [base64.b64encode(data).decode()])
    while not run("return document.getElementById('grand') !== null;"):
        time.sleep(0.02)
    took = run("return (performance.now() - window.t0) / 1000;")
    print(f"{ROWS} rows (xlsx) uploaded: results and totals shown after {took:.2f} s")
    call("DELETE", f"/session/{sid}")
finally:
    driver.kill()
    server.kill()
    shutil.rmtree(folder, ignore_errors=True)
