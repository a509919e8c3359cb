import assert from "node:assert/strict";
import { test } from "node:test";
import { signRequest } from "../../src/providers/aws/kit/sigv4.js";

// The worked example from AWS's Signature Version 4 documentation (IAM ListUsers, 2015-08-30).
test("SigV4 signer used by Vault iam auth reproduces AWS's documented example signature", () => {
  const headers = signRequest(
    {
      method: "GET",
      url: new URL("https://iam.amazonaws.com/?Action=ListUsers&Version=2010-05-08"),
      headers: { "Content-Type": "application/x-www-form-urlencoded; charset=utf-8" },
      body: "",
    },
    { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY" },
    "us-east-1",
    "iam",
    new Date("2015-08-30T12:36:00Z"),
  );
  assert.equal(
    headers.Authorization,
    "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/iam/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature=5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7",
  );
  assert.equal(headers["X-Amz-Date"], "20150830T123600Z");
});
