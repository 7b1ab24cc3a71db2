/**
 * What on-call must do to get a domain validated depends on how the certificate validates: DNS (a CNAME record),
 * EMAIL (someone approves ACM's email) or HTTP (a redirect served through CloudFront). Findings, alerts and the
 * digest all take their validation advice from here, so an email-validated certificate never gets DNS advice.
 */
import type { ValidationMethod } from './model';

/** "DNS", "email", "HTTP"; "domain" when the method is not known (the certificate was never described). */
export function validationMethodName(method: ValidationMethod | undefined): string {
  switch (method) {
    case 'EMAIL':
      return 'email';
    case 'HTTP':
      return 'HTTP';
    case 'DNS':
      return 'DNS';
    default:
      return 'domain';
  }
}

/** The first thing to do for a validation ACM is waiting for (issuance or renewal). */
export const VALIDATION_FIX: Record<ValidationMethod, string> = {
  DNS: 'Create the DNS validation CNAME records listed for the certificate in the zone of each domain and keep them in place; ACM validates within minutes and renews on its own from then on.',
  EMAIL:
    "A domain owner must approve the validation email ACM sent to the domain's WHOIS contacts and to its admin@, administrator@, hostmaster@, postmaster@ and webmaster@ addresses (the link is valid 72 hours; send it again with `aws acm resend-validation-email`). Every renewal of an email-validated certificate needs this approval again: a DNS-validated replacement renews on its own.",
  HTTP: 'Serve the redirect ACM asks for: each RedirectFrom address (under /.well-known/pki-validation/ of the domain, served through its CloudFront distribution) must redirect to its RedirectTo address. ACM validates once it can follow it; keep the redirect in place so renewals succeed.',
};

/** Why a renewal of this method usually fails, and what to try, when ACM gives no more specific reason. */
export const RENEWAL_FAILED_FIX: Record<ValidationMethod, string> = {
  DNS: 'Check that the DNS validation CNAME records ACM created for this certificate still exist and resolve. ACM retries automatically once they do; if the certificate expires first, request a new one and move the resources to it.',
  EMAIL:
    "Email validation renewals fail when nobody approves ACM's renewal email in time. Have a domain owner approve it (send it again with `aws acm resend-validation-email`), or request a DNS-validated replacement and move the resources to it before expiry.",
  HTTP: 'Check that each RedirectFrom address of the certificate still redirects to its RedirectTo address through the CloudFront distribution. ACM retries once it does; if the certificate expires first, request a new one and move the resources to it.',
};

/** What to check for an Amazon-issued certificate close to expiry that has not renewed yet. */
export const EXPIRING_FIX: Record<ValidationMethod, string> = {
  DNS: 'ACM should renew Amazon-issued certificates about 45 days before expiry: check the renewal status and that the DNS validation CNAME records exist. If it cannot renew, request a new certificate and attach it to every resource below.',
  EMAIL:
    'This certificate validates by email: ACM renews it only once a domain owner approves the renewal email (send it again with `aws acm resend-validation-email`). If nobody can, request a DNS-validated certificate and attach it to every resource below.',
  HTTP: 'This certificate validates over HTTP: ACM renews it only while each RedirectFrom address still redirects to its RedirectTo address through CloudFront. Check the redirects and the renewal status; if it cannot renew, request a new certificate and attach it to every resource below.',
};
