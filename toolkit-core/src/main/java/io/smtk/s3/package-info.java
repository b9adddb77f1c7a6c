/**
 * S3 for the training toolkit: user code from {@code s3://} ({@link io.smtk.s3.S3CodeDownloader}),
 * intermediate output sync ({@link io.smtk.s3.IntermediateOutputSync}), and the shared clients,
 * settings and errors.
 *
 * <p>Decisions, and why:
 *
 * <ul>
 *   <li>One SDK Java S3 async client over the CRT HTTP client ({@link io.smtk.s3.S3Clients}). The
 *       CRT S3 client would retry inside native code where our retry log cannot see it; the netty
 *       HTTP client sometimes lost a request after a refused connection until the 60 s acquire
 *       timeout, and was four times slower on loopback.
 *   <li>Downloads split the object into ranges ourselves: the SDK's Java multipart download splits
 *       by part number, which is one request for an object uploaded with a single PUT.
 *   <li>Retries are the SDK's standard strategy with a bounded number of attempts; permanent errors
 *       (403, 404, NoSuchBucket, NoSuchKey, AccessDenied) fail at once with the URI and the S3
 *       error code in the message, which is what the failure file shows.
 *   <li>A non-empty code directory does not suppress the download (the Python toolkit's silent
 *       skip): the archive's top-level entries replace those of the same name, with a warning.
 *   <li>The sync has no close-after-write event to rely on, so it waits for a file to settle,
 *       copies it aside before uploading, and walks the whole tree at the end. Nothing is ever
 *       deleted in S3.
 * </ul>
 */
package io.smtk.s3;
