/**
 * The contract: loading it ({@link com.contoso.lro.contract.ContractLoader}), serving it
 * ({@link com.contoso.lro.contract.ServedContract}, {@link com.contoso.lro.contract.ContractDocs}),
 * validating requests against it ({@link com.contoso.lro.contract.RequestValidation}), and what the
 * bindings generated from it (contract.api, contract.model) call. Every workaround of a defect of
 * vertx-openapi 5.0.7 (and the vertx-json-schema under it) lives here and nowhere else; ArchitectureTest
 * keeps the library's validation, its internals and networknt's json-schema-validator out of other
 * packages. Each defect below has a canary in {@code OpenApiLibraryCanaryTest}, which asserts the defect
 * and so fails once an upgrade fixes it: then delete what its entry says. As of 2026-12 (vertx-openapi
 * 5.0.7):
 *
 * <ol>
 *   <li><b>A new validator per value.</b> {@code RequestValidatorImpl} asks the schema repository for a
 *   new validator for every parameter and body of every request, and each copies the repository's
 *   lookup table. Upstream: none found. Worked around by {@link com.contoso.lro.contract.CompiledSchemas}
 *   (one validator per schema). Once fixed: delete CompiledSchemas.</li>
 *   <li><b>Validation on a worker thread.</b> {@code RequestValidator.validate} runs in
 *   {@code executeBlocking}: two thread hops per request. Upstream: none found. Worked around by
 *   {@link com.contoso.lro.contract.RequestValidation}, which validates on the event loop with the
 *   library's own checks. Once fixed: mount the builder's validation ({@code setDoValidation(true)})
 *   and delete RequestValidation's loop over the parameters.</li>
 *   <li><b>Query values URL-decoded twice.</b> The library decodes values Vert.x has decoded already:
 *   a {@code +} in a $filter becomes a space, a {@code %} fails. Upstream: eclipse-vertx/vertx-openapi#117
 *   (open), #124, #98. Worked around by {@link com.contoso.lro.contract.VerbatimParameters}. Once
 *   fixed: delete VerbatimParameters.value and take the library's extraction.</li>
 *   <li><b>String parameters read as JSON.</b> A string-typed value is parsed as JSON before its
 *   schema sees it: an id {@code 123} becomes a number and is refused, a quote in a $filter does not
 *   parse. Upstream: eclipse-vertx/vertx-openapi#114 (open), vert-x3/vertx-web#2709. Worked around by
 *   RequestValidation (a string is checked as sent, by {@link com.contoso.lro.contract.RequestSchemas}).
 *   Once fixed: delete the string branch of RequestValidation.validate(Parameter, String).</li>
 *   <li><b>A date-time without an offset accepted.</b> vertx-json-schema's {@code date-time} format
 *   takes {@code 2026-11-28T10:15:30}, which RFC 3339 refuses and the model cannot hold. Upstream:
 *   eclipse-vertx/vertx-json-schema#131 made it so on purpose (#134). Worked around by
 *   RequestSchemas (networknt, format asserted) and ContractViolations.fromErrors's words. Once the
 *   library asserts RFC 3339: networknt could go (see RequestSchemas for the other reasons it stays).</li>
 *   <li><b>additionalProperties: false worded misleadingly.</b> A declared property with a bad value
 *   is reported as "does not match additional properties schema" (the last error of the output
 *   unit). Upstream: none found. Worked around by {@link com.contoso.lro.contract.ContractViolations}
 *   .fromSchema, which walks every error. Once fixed: keep fromSchema's wording, drop its walk.</li>
 *   <li><b>A wrong Content-Type is a 400, and media types match by prefix.</b> The library refuses a
 *   media type the operation does not declare as any other invalid request (the router's 400), and
 *   compares case-sensitively by prefix ({@code application/jsonx} passes, {@code Application/JSON}
 *   fails). Upstream: vert-x3/vertx-web#2933 (open, PR #2937); the prefix came with
 *   eclipse-vertx/vertx-openapi#15. Worked around by {@link com.contoso.lro.contract.ContentTypeCheck}
 *   (415, exact, case-insensitive). Once fixed: ContentTypeCheck need no longer rewrite the header.</li>
 *   <li><b>OpenAPI 3.0's {@code nullable} ignored.</b> Under a 3.0 contract the library refuses
 *   {@code null} for a {@code nullable: true} property. Upstream: eclipse-vertx/vertx-json-schema#62
 *   (open), #144. Worked around by writing openapi.yaml in OpenAPI 3.1 ({@code type: [string, 'null']});
 *   ContractLoader refuses another version. Once fixed: nothing to delete; 3.1 stays.</li>
 *   <li><b>Responses only in JSON, text or bytes.</b> A contract whose response is
 *   {@code application/xml} (GET $metadata's CSDL) does not load: the library knows a fixed list of
 *   media types. Upstream: none found. Worked around by
 *   {@link com.contoso.lro.contract.ContractLoader#withoutUnsupportedResponseMedia}, which leaves such
 *   media types out of the contract the library loads (it reads responses only to check them in
 *   tests, whose ContractConformance checks XML itself); the file is served as written. Once fixed:
 *   delete withoutUnsupportedResponseMedia.</li>
 * </ol>
 */
package com.contoso.lro.contract;
