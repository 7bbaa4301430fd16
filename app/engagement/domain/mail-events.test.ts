import { describe, expect, it } from "vitest";
import { isSnsUrl, readMailEvents, readSesNotification, readSnsMessage, snsStringToSign } from "./mail-events";

describe("readMailEvents", () => {
  it("reads SendGrid's event webhook: bounces, drops of bounced addresses and spam reports; not soft blocks or deliveries", () => {
    expect(
      readMailEvents([
        { email: "Ada@Example.com", event: "bounce", type: "bounce", "smtp-id": "<abc@treue>" },
        { email: "bo@example.com", event: "bounce", type: "blocked" },
        { email: "cy@example.com", event: "spamreport" },
        { email: "di@example.com", event: "delivered" },
        { email: "ed@example.com", event: "dropped", reason: "Bounced Address" },
      ]),
    ).toEqual([
      { kind: "bounce", email: "ada@example.com", messageId: "abc@treue" },
      { kind: "complaint", email: "cy@example.com", messageId: null },
      { kind: "bounce", email: "ed@example.com", messageId: null },
    ]);
  });

  it("reads Postmark's bounce and spam complaint webhooks; a soft bounce stops nothing", () => {
    expect(readMailEvents({ RecordType: "Bounce", Type: "HardBounce", Email: "ada@example.com", MessageID: "883953f4" })).toEqual([{ kind: "bounce", email: "ada@example.com", messageId: "883953f4" }]);
    expect(readMailEvents({ RecordType: "Bounce", Type: "SoftBounce", Email: "ada@example.com" })).toEqual([]);
    expect(readMailEvents({ RecordType: "SpamComplaint", Email: "ada@example.com" })).toEqual([{ kind: "complaint", email: "ada@example.com", messageId: null }]);
  });

  it("reads the plain format, and refuses what is none of them", () => {
    expect(readMailEvents({ type: "complaint", email: "ada@example.com" })).toEqual([{ kind: "complaint", email: "ada@example.com", messageId: null }]);
    expect(readMailEvents({ type: "bounce", email: "not an address" })).toEqual([]);
    expect(readMailEvents("bounce")).toBeNull();
    expect(readMailEvents([])).toBeNull();
    expect(readMailEvents([{ hello: "world" }])).toBeNull();
  });
});

// An SNS Notification as AWS documents it ("HTTP/HTTPS notification JSON format"), signature shortened.
const notification = {
  Type: "Notification",
  MessageId: "22b80b92-fdea-4c2c-8f9d-bdfb0c7bf324",
  TopicArn: "arn:aws:sns:us-west-2:123456789012:MyTopic",
  Subject: "My First Message",
  Message: "Hello world!",
  Timestamp: "2012-05-02T00:54:06.655Z",
  SignatureVersion: "1",
  Signature: "EXAMPLEw6JRN…",
  SigningCertURL: "https://sns.us-west-2.amazonaws.com/SimpleNotificationService-f3ecfb7224c7233fe7bb5f59f96de52f.pem",
  UnsubscribeURL: "https://sns.us-west-2.amazonaws.com/?Action=Unsubscribe&SubscriptionArn=arn:aws:sns:us-west-2:123456789012:MyTopic:c9135db0",
};
const confirmation = {
  Type: "SubscriptionConfirmation",
  MessageId: "165545c9-2a5c-472c-8df2-7ff2be2b3b1b",
  Token: "2336412f37fb687f5d51e6e241d09c805a5a57b30d712f794cc5f6a988666d92768dd60a747ba6f3beb71854e285d6ad02428b09ceece29417f1f02d609c582afbacc99c583a916b9981dd2728f4ae6fdb82efd087cc3b7849e05798d2d2785c03b0879594eeac82c01f235d0e717736",
  TopicArn: "arn:aws:sns:us-west-2:123456789012:MyTopic",
  Message: "You have chosen to subscribe to the topic arn:aws:sns:us-west-2:123456789012:MyTopic.",
  SubscribeURL: "https://sns.us-west-2.amazonaws.com/?Action=ConfirmSubscription&TopicArn=arn:aws:sns:us-west-2:123456789012:MyTopic&Token=2336412f37",
  Timestamp: "2012-04-26T20:45:04.751Z",
  SignatureVersion: "2",
  Signature: "EXAMPLEpH+DcEwjAPg8O9mY8dReBSwksfg2S7WKQcikcNKWLQjwu6A4VbeS0QHVCkhRS7fUQvi2egU3N858fiTDN6bkkOxYDVrY0Ad8L10Hs3zH81mtnPk5uvvolIC1CXGu43obcgFxeL3khZl8IKvO61GWB6jI9b5+gLPoBc1Q=",
  SigningCertURL: "https://sns.us-west-2.amazonaws.com/SimpleNotificationService-f3ecfb7224c7233fe7bb5f59f96de52f.pem",
};

describe("Amazon SNS envelopes", () => {
  it("reads a notification and a subscription confirmation; anything else is not SNS's", () => {
    expect(readSnsMessage(notification)).toMatchObject({ type: "Notification", subject: "My First Message", token: null, subscribeUrl: null, signatureVersion: "1" });
    expect(readSnsMessage(confirmation)).toMatchObject({ type: "SubscriptionConfirmation", token: confirmation.Token, subscribeUrl: confirmation.SubscribeURL, signatureVersion: "2" });
    expect(readSnsMessage({ ...notification, SignatureVersion: "3" })).toBeNull();
    expect(readSnsMessage({ ...confirmation, Token: undefined })).toBeNull();
    expect(readSnsMessage({ ...notification, Type: "Bounce" })).toBeNull();
    expect(readSnsMessage([notification])).toBeNull();
    expect(readSnsMessage({ RecordType: "SpamComplaint", Email: "ada@example.com" })).toBeNull();
  });

  it("signs the fields AWS names, in its order, with the subject only when there is one", () => {
    expect(snsStringToSign(readSnsMessage(notification)!)).toBe(
      "Message\nHello world!\nMessageId\n22b80b92-fdea-4c2c-8f9d-bdfb0c7bf324\nSubject\nMy First Message\nTimestamp\n2012-05-02T00:54:06.655Z\nTopicArn\narn:aws:sns:us-west-2:123456789012:MyTopic\nType\nNotification\n",
    );
    expect(snsStringToSign(readSnsMessage({ ...notification, Subject: undefined })!)).not.toContain("Subject");
    expect(snsStringToSign(readSnsMessage(confirmation)!)).toBe(
      `Message\n${confirmation.Message}\nMessageId\n${confirmation.MessageId}\nSubscribeURL\n${confirmation.SubscribeURL}\nTimestamp\n${confirmation.Timestamp}\nToken\n${confirmation.Token}\nTopicArn\n${confirmation.TopicArn}\nType\nSubscriptionConfirmation\n`,
    );
  });

  it("trusts only SNS's own hosts over https for certificates and confirmations, or the one base it is told to", () => {
    expect(isSnsUrl(notification.SigningCertURL, "certificate")).toBe(true);
    expect(isSnsUrl("https://sns.cn-north-1.amazonaws.com.cn/SimpleNotificationService-abc.pem", "certificate")).toBe(true);
    expect(isSnsUrl(confirmation.SubscribeURL, "confirmation")).toBe(true);
    expect(isSnsUrl(confirmation.SubscribeURL, "certificate")).toBe(false); // not a .pem
    expect(isSnsUrl("http://sns.us-west-2.amazonaws.com/x.pem", "certificate")).toBe(false);
    expect(isSnsUrl("https://sns.us-west-2.amazonaws.com.evil.example/x.pem", "certificate")).toBe(false);
    expect(isSnsUrl("https://evil.example/sns.us-west-2.amazonaws.com/x.pem", "certificate")).toBe(false);
    expect(isSnsUrl("https://user:pw@sns.us-west-2.amazonaws.com/x.pem", "certificate")).toBe(false);
    expect(isSnsUrl("https://sns.us-west-2.amazonaws.com:8443/x.pem", "certificate")).toBe(false);
    expect(isSnsUrl("not a url", "confirmation")).toBe(false);
    expect(isSnsUrl("http://127.0.0.1:4000/sns/cert.pem", "certificate", "http://127.0.0.1:4000/sns")).toBe(true);
    expect(isSnsUrl("http://127.0.0.1:4000/snsx/cert.pem", "certificate", "http://127.0.0.1:4000/sns")).toBe(false);
  });
});

describe("readSesNotification", () => {
  const mail = { messageId: "0100016f", commonHeaders: { messageId: "<points-earned.42@treue.app>" } };
  it("reads SES's permanent bounces and complaints, from notifications and from event publishing", () => {
    const bounce = { notificationType: "Bounce", bounce: { bounceType: "Permanent", bounceSubType: "General", bouncedRecipients: [{ emailAddress: "Ada@Example.com" }, { emailAddress: "bo@example.com" }] }, mail };
    expect(readSesNotification(JSON.stringify(bounce))).toEqual([
      { kind: "bounce", email: "ada@example.com", messageId: "points-earned.42@treue.app" },
      { kind: "bounce", email: "bo@example.com", messageId: "points-earned.42@treue.app" },
    ]);
    const complaint = { eventType: "Complaint", complaint: { complainedRecipients: [{ emailAddress: "cy@example.com" }], complaintFeedbackType: "abuse" }, mail };
    expect(readSesNotification(JSON.stringify(complaint))).toEqual([{ kind: "complaint", email: "cy@example.com", messageId: "points-earned.42@treue.app" }]);
  });

  it("stops nothing for soft bounces, deliveries and not-spam feedback; refuses what is not SES's", () => {
    expect(readSesNotification(JSON.stringify({ notificationType: "Bounce", bounce: { bounceType: "Transient", bouncedRecipients: [{ emailAddress: "ada@example.com" }] }, mail }))).toEqual([]);
    expect(readSesNotification(JSON.stringify({ notificationType: "Delivery", delivery: {}, mail }))).toEqual([]);
    expect(readSesNotification(JSON.stringify({ notificationType: "Complaint", complaint: { complainedRecipients: [{ emailAddress: "ada@example.com" }], complaintFeedbackType: "not-spam" }, mail }))).toEqual([]);
    expect(readSesNotification("Hello world!")).toBeNull();
    expect(readSesNotification(JSON.stringify({ notificationType: "Bounce" }))).toBeNull();
  });
});
