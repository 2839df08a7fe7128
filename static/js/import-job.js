/* A background import's status page (templates/admin/imports/job.html), progressively
   enhanced: without this script the page reloads itself every 3 seconds (<noscript> meta
   refresh); with it, the progress bar follows GET /api/v1/jobs/<id>/ and the page reloads
   once, when the job has finished, to show the preview or the result. The spoken text
   (aria-live) changes only every tenth of the way, so a screen reader is not flooded. */
(function () {
  "use strict";
  var box = document.querySelector(".import-job[data-job-url]");
  if (!box || !window.fetch) {
    return;
  }
  var bar = box.querySelector("progress");
  var text = box.querySelector("[role=status]");
  var template = box.getAttribute("data-text-progress");
  var spokenStep = -1;

  function show(job) {
    if (!job.total) {
      return;
    }
    bar.max = job.total;
    bar.value = job.done;
    bar.textContent = (job.percent || 0) + "%";
    var step = Math.floor((job.done * 10) / job.total);
    if (step !== spokenStep) {
      spokenStep = step;
      text.textContent = template.replace("{done}", job.done).replace("{total}", job.total);
    }
  }

  function poll() {
    fetch(box.getAttribute("data-job-url"), {
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    })
      .then(function (response) {
        if (!response.ok) {
          throw new Error(response.status);
        }
        return response.json();
      })
      .then(function (job) {
        if (job.status === "succeeded" || job.status === "failed") {
          window.location.reload();
          return;
        }
        show(job);
        window.setTimeout(poll, 1500);
      })
      .catch(function () {
        window.setTimeout(poll, 5000);
      });
  }

  window.setTimeout(poll, 1000);
})();
