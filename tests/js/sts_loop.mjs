// The AWS SDK for JavaScript v3 as a child of ssoenv's credential endpoint, through its default
// credential chain (@aws-sdk/credential-provider-node, which reaches fromHttp through
// AWS_CONTAINER_CREDENTIALS_FULL_URI and AWS_CONTAINER_AUTHORIZATION_TOKEN).
//
// Usage: node sts_loop.mjs SECONDS — calls STS GetCallerIdentity once a second at AWS_ENDPOINT_URL
// (the emulator) and prints one line of JSON: {"sdk", "calls", "errors", "keys"}.
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";

const seconds = Number(process.argv[2]);
const client = new STSClient({ endpoint: process.env.AWS_ENDPOINT_URL, region: "us-east-1" });
const result = { sdk: "javascript", calls: 0, errors: [], keys: [] };
const deadline = Date.now() + seconds * 1000;
while (Date.now() < deadline) {
  try {
    await client.send(new GetCallerIdentityCommand({}));
    result.calls += 1;
    const { accessKeyId } = await client.config.credentials();
    if (result.keys.at(-1) !== accessKeyId) result.keys.push(accessKeyId);
  } catch (error) {
    result.errors.push(`${error.name}: ${error.message}`);
  }
  await new Promise((resolve) => setTimeout(resolve, 1000));
}
console.log(JSON.stringify(result));
