// Every periodic job the app runs, in one list. Features export jobs in the PeriodicJob shape from their own
// files; add one line here to run it.
import type { PeriodicJob } from "./periodic-jobs.server";
import { memberDiscountCodesJob, stampCardRewardsJob } from "~/rewards/member-cards.server";
import { birthdayBonusJob, ledgerCheckJob, pointsExpiryJob, tierReviewJob } from "~/points/points-jobs.server";
import { redemptionCodesJob } from "~/rewards/redemption-lifecycle.server";
import { referralAdvocateRewardsJob } from "~/referrals/referral-rewards-job.server";
import { segmentSyncJob } from "~/analytics/segment-sync.server";
import { dashboardSummaryJob } from "~/analytics/analytics-dashboard.server";
import { payloadRetentionJob } from "~/privacy/payload-retention.server";
import { pendingCollectionsJob, productCollectionsJob } from "~/points/product-collections.server";
import { memberMailsJob } from "~/engagement/member-mails.server";
import { flowTriggersJob } from "~/engagement/flow-triggers.server";

export const periodicJobs: readonly PeriodicJob[] = [
  tierReviewJob,
  birthdayBonusJob,
  pointsExpiryJob,
  ledgerCheckJob,
  redemptionCodesJob,
  referralAdvocateRewardsJob,
  segmentSyncJob,
  stampCardRewardsJob,
  memberDiscountCodesJob,
  dashboardSummaryJob,
  payloadRetentionJob,
  pendingCollectionsJob,
  productCollectionsJob,
  memberMailsJob,
  flowTriggersJob,
];
