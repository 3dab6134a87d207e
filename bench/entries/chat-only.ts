// An app that only calls chat.completions.create: what it bundles of pagellm's page code.
import { createEngine } from "../../src/index.js";

const engine = await createEngine({ worker: new MessageChannel().port1 });
const reply = await engine.chat.completions.create({ model: "m", messages: [{ role: "user", content: "hi" }] });
console.log(reply.choices[0]?.message.content);
