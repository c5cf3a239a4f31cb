/**
 * The contract: loading it ({@link com.contoso.lro.contract.ContractLoader}), serving it
 * ({@link com.contoso.lro.contract.ServedContract}, {@link com.contoso.lro.contract.ContractDocs}),
 * validating requests against it ({@link com.contoso.lro.contract.RequestValidation}), and what the
 * bindings generated from it (contract.api, contract.model) call. Every workaround of a defect of
 * vertx-openapi 5.0.7 (and the vertx-json-schema under it) lives here and nowhere else; ArchitectureTest
 * keeps the library's validation, its internals and networknt's json-schema-validator out of other
 * packages. Request validation has one schema engine, networknt's json-schema-validator
 * ({@link com.contoso.lro.contract.RequestSchemas}); of vertx-openapi it uses the contract model, the
 * router builder and the parameter transformers, not its validators. Each defect below that is still
 * worked around has a canary in {@code OpenApiLibraryCanaryTest}, which asserts the defect and so
 * fails once an upgrade fixes it: then delete what its entry says. As of 2026-12 (vertx-openapi
 * 5.0.7):
 *
 * <ol>
 *   <li><b>Validation on a worker thread.</b> {@code RequestValidator.validate} runs in
 *   {@code executeBlocking}: two thread hops per request. Upstream: none found. Worked around by
 *   {@link com.contoso.lro.contract.RequestValidation}, which validates on the event loop. Once fixed:
 *   the builder's validation could replace RequestValidation only by bringing vertx-json-schema back
 *   as the engine, which the defects below argue against.</li>
 *   <li><b>Query values URL-decoded twice.</b> The library decodes values Vert.x has decoded already:
 *   a {@code +} in a $filter becomes a space, a {@code %} fails. Upstream: eclipse-vertx/vertx-openapi#117
 *   (open), #124, #98. Worked around by {@link com.contoso.lro.contract.VerbatimParameters}. Once
 *   fixed: delete VerbatimParameters.value and take the library's extraction.</li>
 *   <li><b>String parameters read as JSON.</b> The parameter transformers parse a string-typed value
 *   as JSON unless it is all word characters: an id {@code 12.5} becomes a number, a quote in a
 *   $filter does not parse. Upstream: eclipse-vertx/vertx-openapi#114 (open), vert-x3/vertx-web#2709.
 *   Worked around by RequestValidation, which hands a string to its schema as sent and only the other
 *   types to the transformer. Once fixed: transform every parameter.</li>
 *   <li><b>OpenAPI 3.0's {@code nullable} ignored.</b> Under a 3.0 contract the library refuses
 *   {@code null} for a {@code nullable: true} property, in its response validation too, which the tests
 *   check every answer with. Upstream: eclipse-vertx/vertx-json-schema#62 (open), #144. Worked around
 *   by writing openapi.yaml in OpenAPI 3.1 ({@code type: [string, 'null']}); ContractLoader refuses
 *   another version. Once fixed: nothing to delete; 3.1 stays.</li>
 *   <li><b>Responses only in JSON, text or bytes.</b> A contract whose response is
 *   {@code application/xml} (GET $metadata's CSDL) does not load: the library knows a fixed list of
 *   media types. Upstream: none found. Worked around by
 *   {@link com.contoso.lro.contract.ContractLoader#withoutUnsupportedResponseMedia}, which leaves such
 *   media types out of the contract the library loads (it reads responses only to check them in
 *   tests, whose ContractConformance checks XML itself); the file is served as written. Once fixed:
 *   delete withoutUnsupportedResponseMedia.</li>
 * </ol>
 *
 * <p>Defects of the library's request validation that no longer matter because nothing here calls
 * it (their canaries deleted; bench/README.md#request-validation has the measurements):
 *
 * <ul>
 *   <li>The schema repository made a new validator, copying its lookup table, for every parameter and
 *   body of every request (worked around by CompiledSchemas, deleted).</li>
 *   <li>vertx-json-schema's {@code date-time} format takes a date-time without an offset, which RFC
 *   3339 refuses and the model cannot hold (eclipse-vertx/vertx-json-schema#131, on purpose in #134).
 *   networknt asserts formats.</li>
 *   <li>A declared property with a bad value under {@code additionalProperties: false} was reported as
 *   "does not match additional properties schema". {@link com.contoso.lro.contract.ContractViolations}
 *   words networknt's errors, where the bad value has its own error.</li>
 *   <li>Its {@code uri} format's regex overflows the stack on a long value: a resourceLocation of 2,109
 *   characters was answered 500 (RefusalWordsTest shows the 400 it gets now). Upstream: none found;
 *   networknt had the same and fixed it (networknt/json-schema-validator#413).</li>
 *   <li>Its check of a body's media type matches by a case-sensitive prefix and answers a mismatch 400
 *   (vert-x3/vertx-web#2933, eclipse-vertx/vertx-openapi#15). {@link com.contoso.lro.contract.ContentTypeCheck}
 *   answers 415 itself, exact and case-insensitive.</li>
 * </ul>
 */
package com.contoso.lro.contract;
